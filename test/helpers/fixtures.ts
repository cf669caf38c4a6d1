import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { mkdir, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { makeDemoModel } from '../../src/main/core/gguf-writer/makeDemoModel'
import { makeLlamaModel } from '../../src/main/core/gguf-writer/makeLlamaModel'
import { MARKDOWN_ANSWER, makeMarkdownModel } from '../../src/main/core/gguf-writer/makeMarkdownModel'
import { THINKING_TEMPLATE, makeThinkingModel } from '../../src/main/core/gguf-writer/makeThinkingModel'
import { ECHO_SCRIPT, READ_SCRIPT, makeToolCallingModel } from '../../src/main/core/gguf-writer/makeToolCallingModel'
import { type ShapeName, shapes } from '../../src/main/core/gguf-writer/shapes'

/** Generated fixtures live here (git-ignored). */
export const FIXTURE_DIR = fileURLToPath(new URL('../../.cache/fixtures/', import.meta.url))
const GENERATOR_DIR = fileURLToPath(new URL('../../src/main/core/gguf-writer/', import.meta.url))

let generatorHash: string | undefined

/** Hash of the generator's source files, so that any change to the generator regenerates every fixture. */
function generatorVersion(): string {
  if (generatorHash === undefined) {
    const hash = createHash('sha256')
    for (const file of readdirSync(GENERATOR_DIR).filter((f) => f.endsWith('.ts')).sort()) {
      hash.update(file).update('\0').update(readFileSync(join(GENERATOR_DIR, file))).update('\0')
    }
    generatorHash = hash.digest('hex')
  }
  return generatorHash
}

const pending = new Map<string, Promise<string>>()

/**
 * Path of a generated fixture file `<name>-<hash>.gguf` under `.cache/fixtures/`, created with `make` when
 * missing. The hash covers `spec` (any JSON value describing what is generated) and the generator's source,
 * so stale fixtures are regenerated (and older versions of the same name deleted). Safe across parallel
 * workers: each writes a private temporary file and renames it into place.
 */
export async function fixturePath(name: string, make: (path: string) => Promise<void>, spec: unknown = null): Promise<string> {
  const hash = createHash('sha256').update(generatorVersion()).update(JSON.stringify(spec) ?? '').digest('hex').slice(0, 12)
  const file = join(FIXTURE_DIR, `${name}-${hash}.gguf`)
  const existing = pending.get(file)
  if (existing) return existing
  const job = (async () => {
    if (existsSync(file)) return file
    await mkdir(FIXTURE_DIR, { recursive: true })
    const tmp = `${file}.${process.pid}-${Math.random().toString(36).slice(2)}`
    try {
      await make(tmp)
      await rename(tmp, file)
    } finally {
      await rm(tmp, { force: true })
    }
    for (const old of readdirSync(FIXTURE_DIR))
      if (old.startsWith(`${name}-`) && old.endsWith('.gguf') && old !== `${name}-${hash}.gguf` && /^[0-9a-f]{12}\.gguf$/.test(old.slice(name.length + 1)))
        await rm(join(FIXTURE_DIR, old), { force: true })
    return file
  })()
  pending.set(file, job)
  job.catch(() => pending.delete(file))
  return job
}

/** The demo model (see `makeDemoModel`), generated once. */
export function getDemoModelPath(): Promise<string> {
  return fixturePath('demo', makeDemoModel)
}

/** The thinking model (see `makeThinkingModel`): a thought, then an answer; generated once. */
export function getThinkingModelPath(): Promise<string> {
  return fixturePath('thinking', makeThinkingModel, THINKING_TEMPLATE)
}

/** The markdown model (see `makeMarkdownModel`), generated once. */
export function getMarkdownModelPath(): Promise<string> {
  return fixturePath('markdown', makeMarkdownModel, MARKDOWN_ANSWER)
}

/** A model of one of the named `shapes`, generated once. Avoid `oneB` in tests: it is a 1.2 GB file. */
export function getShapePath(shapeName: ShapeName): Promise<string> {
  const shape = shapes[shapeName]
  return fixturePath(`shape-${shapeName}`, (path) => makeLlamaModel(path, shape), shape)
}

/** A chain model that calls `echo({"text": "hi"})` and then answers (see `makeToolCallingModel`); `repeat`: it never stops calling. */
export function getToolCallingModelPath(repeat = false): Promise<string> {
  const script = { ...ECHO_SCRIPT, repeat }
  return fixturePath(repeat ? 'tool-caller-repeat' : 'tool-caller', (path) => makeToolCallingModel(path, script), script)
}

/** A chain model that calls Pi's `read` tool on hello.txt and then answers (see `READ_SCRIPT`). */
export function getPiReaderModelPath(): Promise<string> {
  return fixturePath('pi-reader', (path) => makeToolCallingModel(path, READ_SCRIPT), READ_SCRIPT)
}
