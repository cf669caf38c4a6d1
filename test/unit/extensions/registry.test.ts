import { mkdir, mkdtemp, readdir, rm, unlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { emptyCallContext } from '../../../src/main/core/extensions/emptyCallContext'
import { Extensions } from '../../../src/main/core/extensions/Extensions'
import type { ExtensionInfo } from '../../../src/shared/extensions/ExtensionInfo'

const ctx = emptyCallContext()
let base: string
let opened: Extensions[] = []

/** An extension with one command answering `text`. */
const commandSource = (command: string, text: string) =>
  `export default function (arbor) { arbor.registerCommand(${JSON.stringify(command)}, { description: 'test', run: () => ${JSON.stringify(text)} }) }\n`

/** Allows what waits for the user's first look having asked for nothing (a bare file), as a click on "Allow" does. */
async function allowBareFiles(extensions: Extensions): Promise<void> {
  for (const e of extensions.list()) if (e.status === 'needs-consent' && e.consent?.requested.length === 0) await extensions.allow(e.name, [])
}

async function open(options: Parameters<typeof Extensions.create>[0]): Promise<Extensions> {
  const extensions = await Extensions.create(options)
  opened.push(extensions)
  await allowBareFiles(extensions)
  return extensions
}

async function until(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached in time')
    await new Promise((r) => setTimeout(r, 25))
  }
}

const answer = async (extensions: Extensions, command: string): Promise<string | null> => {
  const result = await extensions.runCommand(command, '', ctx)
  return result.ok ? result.value.text : null
}
const info = (extensions: Extensions, name: string): ExtensionInfo | undefined => extensions.list().find((i) => i.name === name)

beforeEach(async () => {
  base = await mkdtemp(join(os.tmpdir(), 'arbor-registry-'))
})
afterEach(async () => {
  await Promise.all(opened.map((e) => e.dispose()))
  opened = []
  await rm(base, { recursive: true, force: true })
})

describe('extension registry', () => {
  it('a working folder’s extensions do not run until the folder is trusted', async () => {
    const work = join(base, 'work')
    await mkdir(join(work, '.arbor', 'extensions'), { recursive: true })
    await writeFile(join(work, '.arbor', 'extensions', 'local.js'), commandSource('local', 'from the folder'))
    const extensions = await open({ workspace: { folder: work, trusted: false } })
    expect(info(extensions, 'local')).toMatchObject({ source: 'workspace', status: 'untrusted', running: false })
    expect(extensions.commands()).toEqual([])
    await extensions.setWorkspace({ folder: work, trusted: true })
    // Trusted, it still waits for a first look: a bare file says nothing of what it is.
    expect(info(extensions, 'local')).toMatchObject({ status: 'needs-consent', running: false })
    await allowBareFiles(extensions)
    expect(info(extensions, 'local')).toMatchObject({ status: 'enabled', running: true })
    expect(await answer(extensions, 'local')).toBe('from the folder')
    await extensions.setWorkspace({ folder: work, trusted: false })
    expect(info(extensions, 'local')!.status).toBe('untrusted')
    expect(await answer(extensions, 'local')).toBeNull()
  })

  it('install copies into the user folder; uninstall deletes it; bundled ones cannot be uninstalled', async () => {
    const user = join(base, 'user')
    const bundled = join(base, 'bundled')
    await mkdir(bundled)
    await writeFile(join(bundled, 'builtin.js'), commandSource('builtin', 'b'))
    await writeFile(join(base, 'gift.js'), commandSource('gift', 'installed!'))
    const extensions = await open({ userFolder: user, bundledFolder: bundled })
    const installed = await extensions.install(join(base, 'gift.js'))
    expect(installed).toMatchObject({ ok: true, value: { name: 'gift', source: 'installed', status: 'needs-consent', consent: { requested: [] } } })
    expect(await answer(extensions, 'gift')).toBeNull()
    await allowBareFiles(extensions)
    expect(await answer(extensions, 'gift')).toBe('installed!')
    expect(await extensions.install(join(base, 'gift.js'))).toMatchObject({ ok: false, error: { code: 'FILE_EXISTS' } })
    expect(await extensions.uninstall('gift')).toEqual({ ok: true, value: null })
    expect(info(extensions, 'gift')).toBeUndefined()
    expect((await readdir(user)).filter((n) => !n.startsWith('.'))).toEqual([])
    expect(await extensions.uninstall('builtin')).toMatchObject({ ok: false, error: { code: 'EXTENSION_PERMISSION' } })
  })

  it('reloads a user extension when its file changes, finds new ones and drops deleted ones', async () => {
    const user = join(base, 'user')
    await mkdir(user)
    await writeFile(join(user, 'live.js'), commandSource('live', 'v1'))
    const extensions = await open({ userFolder: user, watch: true, watchDebounceMs: 50 })
    expect(await answer(extensions, 'live')).toBe('v1')
    await writeFile(join(user, 'live.js'), commandSource('live', 'v2'))
    await until(async () => (await answer(extensions, 'live')) === 'v2')
    await writeFile(join(user, 'fresh.js'), commandSource('fresh', 'new'))
    await until(() => info(extensions, 'fresh')?.status === 'needs-consent')
    await allowBareFiles(extensions)
    await until(async () => (await answer(extensions, 'fresh')) === 'new')
    await unlink(join(user, 'live.js'))
    await until(() => info(extensions, 'live') === undefined)
  })

  it('a second extension with a name already taken fails; the first keeps it', async () => {
    const bundled = join(base, 'bundled')
    const user = join(base, 'user')
    await mkdir(join(bundled, 'same'), { recursive: true })
    await mkdir(user)
    await writeFile(join(bundled, 'same', 'arbor.json'), '{ "name": "same" }')
    await writeFile(join(bundled, 'same', 'index.js'), commandSource('one', '1'))
    await writeFile(join(user, 'same.js'), commandSource('two', '2'))
    const extensions = await open({ bundledFolder: bundled, userFolder: user })
    const [first, second] = extensions.list()
    expect(first).toMatchObject({ source: 'bundled', status: 'enabled' })
    expect(second).toMatchObject({ source: 'user', status: 'failed', lastError: { code: 'EXTENSION_INVALID' } })
    expect(second!.lastError!.message).toContain('already loaded from')
  })

  it('after too many faults in the window it stays failed; reload brings it back', async () => {
    const user = join(base, 'user')
    await mkdir(user)
    await writeFile(join(user, 'quitter.js'), `export default function (arbor) { arbor.registerCommand('quit', { description: '', run: () => process.exit(1) }) }\n`)
    const extensions = await open({ userFolder: user, restart: { maxFaults: 2, backoffMs: [50] } })
    await extensions.runCommand('quit', '', ctx)
    expect(info(extensions, 'quitter')).toMatchObject({ status: 'failed', restarting: true, faults: 1 })
    await until(() => info(extensions, 'quitter')!.running)
    await extensions.runCommand('quit', '', ctx)
    expect(info(extensions, 'quitter')).toMatchObject({ status: 'failed', restarting: false, faults: 2 })
    expect(info(extensions, 'quitter')!.lastError!.message).toContain('not restarted')
    expect(await extensions.runCommand('quit', '', ctx)).toMatchObject({ ok: false, error: { code: 'COMMAND_NOT_FOUND' } })
    await extensions.reload('quitter')
    expect(info(extensions, 'quitter')).toMatchObject({ status: 'enabled', running: true, faults: 0 })
  })

  it('a default export that never finishes loading times out', async () => {
    const user = join(base, 'user')
    await mkdir(join(user, 'stuck'), { recursive: true })
    await writeFile(join(user, 'stuck', 'arbor.json'), '{ "timeouts": { "load": 300 } }')
    await writeFile(join(user, 'stuck', 'index.ts'), 'export default async function (): Promise<void> { await new Promise(() => {}) }\n')
    const extensions = await open({ userFolder: user })
    expect(info(extensions, 'stuck')).toMatchObject({ status: 'failed', lastError: { code: 'EXTENSION_TIMEOUT' } })
  })

  it('a callback after its call ended is ignored and logged, not delivered', async () => {
    const user = join(base, 'user')
    await mkdir(user)
    await writeFile(join(user, 'late.js'), `export default function (arbor) { arbor.registerCommand('late', { description: '', run: (_a, ctx) => { setTimeout(() => ctx.notify('too late'), 20); return 'done' } }) }\n`)
    const notes: string[] = []
    const extensions = await open({ userFolder: user })
    expect(await extensions.runCommand('late', '', emptyCallContext({ notify: (t) => void notes.push(t) }))).toMatchObject({ ok: true })
    await until(() => info(extensions, 'late')!.log.some((l) => l.text.includes('after its call had ended')))
    expect(notes).toEqual([])
  })

  it('a broken manifest or a compile error is reported, not thrown', async () => {
    const user = join(base, 'user')
    await mkdir(join(user, 'badjson'), { recursive: true })
    await writeFile(join(user, 'badjson', 'arbor.json'), '{ nope')
    await writeFile(join(user, 'badjson', 'index.js'), commandSource('x', 'x'))
    await writeFile(join(user, 'syntax.ts'), 'export default function (: {\n')
    const extensions = await open({ userFolder: user })
    expect(info(extensions, 'badjson')).toMatchObject({ status: 'failed', lastError: { code: 'EXTENSION_INVALID', message: expect.stringContaining('arbor.json is not valid JSON') } })
    expect(info(extensions, 'syntax')).toMatchObject({ status: 'failed', lastError: { code: 'EXTENSION_INVALID', message: expect.stringContaining('syntax.ts:1:') } })
  })
})
