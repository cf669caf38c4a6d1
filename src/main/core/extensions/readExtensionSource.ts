import { basename, extname, join, resolve } from 'node:path'
import { fail, ok, type Result } from '../../../shared/errors'
import type { ExtensionManifest } from '../../../shared/extensions/ExtensionManifest'
import { parseManifest } from '../../../shared/extensions/parseManifest'
import type { ExtensionFsOperations } from './ExtensionFsOperations'

/** File types an extension's entry (or a single-file extension) may have. */
export const ENTRY_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs']
const DEFAULT_ENTRIES = ['index.ts', 'index.js', 'index.mjs', 'index.cjs', 'index.mts', 'index.cts']

export type ExtensionSource = {
  manifest: ExtensionManifest
  /** The folder, or the file of a single-file extension. */
  location: string
  /** The folder the extension lives in (the file's folder for a single file). */
  folder: string
  entryPath: string
  isFile: boolean
}

const parseJson = (text: string, file: string): Result<unknown> => {
  try {
    return ok(JSON.parse(text))
  } catch (error) {
    return fail('EXTENSION_INVALID', `${file} is not valid JSON: ${(error as Error).message}`)
  }
}

/** Reads an extension's manifest and finds its entry. A single file has no manifest: its name is the file's. */
export async function readExtensionSource(location: string, ops: ExtensionFsOperations): Promise<Result<ExtensionSource>> {
  const isDirectory = await ops.isDirectory(location)
  if (isDirectory === null) return fail('EXTENSION_NOT_FOUND', `No extension at ${location}.`)
  if (!isDirectory) {
    if (!ENTRY_EXTENSIONS.includes(extname(location)) || location.endsWith('.d.ts')) {
      return fail('EXTENSION_INVALID', `${basename(location)} is not a .ts or .js file.`)
    }
    const manifest = parseManifest({}, basename(location, extname(location)))
    if (!manifest.ok) return manifest
    return ok({ manifest: manifest.value, location, folder: resolve(location, '..'), entryPath: location, isFile: true })
  }
  const input: { arborJson?: unknown; packageJson?: unknown } = {}
  for (const [file, key] of [['package.json', 'packageJson'], ['arbor.json', 'arborJson']] as const) {
    const text = await ops.readText(join(location, file))
    if (text === null) continue
    const parsed = parseJson(text, file)
    if (!parsed.ok) return parsed
    input[key] = parsed.value
  }
  const manifest = parseManifest(input, basename(location))
  if (!manifest.ok) return manifest
  const candidates = manifest.value.entry ? [manifest.value.entry] : DEFAULT_ENTRIES
  for (const candidate of candidates) {
    const entryPath = resolve(location, candidate)
    if (!entryPath.startsWith(resolve(location))) return fail('EXTENSION_INVALID', `The entry "${candidate}" lies outside the extension's folder.`)
    if ((await ops.isDirectory(entryPath)) === false) return ok({ manifest: manifest.value, location, folder: location, entryPath, isFile: false })
  }
  return fail('EXTENSION_INVALID', `No entry file in ${location} (looked for ${candidates.join(', ')}).`)
}
