import { mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { emptyCallContext } from '../../../src/main/core/extensions/emptyCallContext'
import { Extensions } from '../../../src/main/core/extensions/Extensions'
import { ExtensionStateStore } from '../../../src/main/core/extensions/ExtensionStateStore'
import { requestedPermissions } from '../../../src/main/core/extensions/requestedPermissions'
import type { ExtensionInfo } from '../../../src/shared/extensions/ExtensionInfo'
import { fixtures } from './fixturePaths'

const ctx = emptyCallContext()
const notesReader = join(fixtures.repoRoot, 'test/fixtures/extensions/consent/notes-reader')
let base: string
let stateFile: string
let opened: Extensions[] = []

/** A folder extension with one command `/<name>` and what its manifest declares. */
async function writeExtension(parent: string, name: string, manifest: { permissions?: string[]; settings?: Record<string, { default?: string }> }): Promise<string> {
  const folder = join(parent, name)
  await mkdir(folder, { recursive: true })
  await writeFile(join(folder, 'arbor.json'), JSON.stringify({ name, ...manifest }))
  await writeFile(join(folder, 'index.js'), `export default function (arbor) { arbor.registerCommand(${JSON.stringify(name)}, { description: '', run: () => 'ran' }) }\n`)
  return folder
}

/** A registry over `folders`, its choices in `stateFile` (as after a restart when called again). */
async function open(folders: { userFolder?: string; bundledFolder?: string; workspace?: { folder: string; trusted: boolean } }): Promise<Extensions> {
  const extensions = await Extensions.create({ ...folders, state: await ExtensionStateStore.open(stateFile, { warn: () => undefined }) })
  opened.push(extensions)
  return extensions
}

async function restart(extensions: Extensions, folders: Parameters<typeof open>[0]): Promise<Extensions> {
  await extensions.dispose()
  opened = opened.filter((e) => e !== extensions)
  return open(folders)
}

const info = (extensions: Extensions, name: string): ExtensionInfo => extensions.list().find((i) => i.name === name)!
const runs = async (extensions: Extensions, command: string): Promise<boolean> => (await extensions.runCommand(command, '', ctx)).ok

beforeEach(async () => {
  base = await mkdtemp(join(os.tmpdir(), 'arbor-consent-'))
  stateFile = join(base, 'home', 'extensions.json')
})
afterEach(async () => {
  await Promise.all(opened.map((e) => e.dispose()))
  opened = []
  await rm(base, { recursive: true, force: true })
})

describe('what the user is asked to allow', () => {
  it('setting defaults are filled in; the working folder, home and its own folder stay names', () => {
    const manifest = {
      permissions: ['fs.read:${root}', 'fs.write:${out}/x', 'fs.read:~/docs', 'net', 'exec', 'fs.read:${nothing}'],
      settings: { root: { default: '${workspace}' }, out: { default: '/srv/exports' }, nothing: {} },
    }
    expect(requestedPermissions(manifest)).toEqual(['fs.read:${workspace}', 'fs.write:/srv/exports/x', 'fs.read:${home}/docs', 'net', 'exec', 'fs.read:${nothing}'])
  })
})

describe('permission consent', () => {
  it('an extension that declares permissions does not run until they are allowed; allowing is remembered', async () => {
    const user = join(base, 'user')
    await writeExtension(user, 'reader', { permissions: ['fs.read:${notes}', 'net'], settings: { notes: { default: '${home}/Notes' } } })
    let extensions = await open({ userFolder: user })
    expect(info(extensions, 'reader')).toMatchObject({
      status: 'needs-consent',
      running: false,
      consent: { requested: ['fs.read:${home}/Notes', 'net'], accepted: null, added: ['fs.read:${home}/Notes', 'net'], removed: [] },
    })
    // What it would get is shown with its folders filled in.
    expect(info(extensions, 'reader').permissions.map((p) => p.permission)).toEqual([{ kind: 'fs.read', path: join(os.homedir(), 'Notes') }, { kind: 'net' }])
    expect(await runs(extensions, 'reader')).toBe(false)

    expect(await extensions.allow('reader', ['net'])).toMatchObject({ ok: false, error: { code: 'EXTENSION_PERMISSIONS_CHANGED' } })
    expect(info(extensions, 'reader').status).toBe('needs-consent')
    expect(await extensions.allow('nobody', [])).toMatchObject({ ok: false, error: { code: 'EXTENSION_NOT_FOUND' } })

    expect(await extensions.allow('reader', ['net', 'fs.read:${home}/Notes'])).toMatchObject({ ok: true, value: { status: 'enabled', running: true } })
    expect(await runs(extensions, 'reader')).toBe(true)
    expect(JSON.parse(await readFile(stateFile, 'utf8')).accepted).toEqual({ reader: ['fs.read:${home}/Notes', 'net'] })

    extensions = await restart(extensions, { userFolder: user })
    expect(info(extensions, 'reader')).toMatchObject({ status: 'enabled', running: true, consent: { added: [], removed: [] } })
  })

  it('asks again when an update wants more, saying what changed; asks nothing when it wants less', async () => {
    const user = join(base, 'user')
    const manifest = { permissions: ['fs.read:${notes}', 'net'], settings: { notes: { default: '${home}/Notes' } } }
    await writeExtension(user, 'reader', manifest)
    const extensions = await open({ userFolder: user })
    await extensions.allow('reader', info(extensions, 'reader').consent!.requested)

    await writeExtension(user, 'reader', { ...manifest, permissions: ['fs.read:${notes}', 'exec'] })
    await extensions.reload('reader')
    expect(info(extensions, 'reader')).toMatchObject({
      status: 'needs-consent',
      running: false,
      consent: { accepted: ['fs.read:${home}/Notes', 'net'], added: ['exec'], removed: ['net'] },
    })
    expect(await runs(extensions, 'reader')).toBe(false)

    // The same permission on another default folder is asking for more too.
    await writeExtension(user, 'reader', { ...manifest, settings: { notes: { default: '${home}/.ssh' } } })
    await extensions.reload('reader')
    expect(info(extensions, 'reader').consent).toMatchObject({ added: ['fs.read:${home}/.ssh'], removed: ['fs.read:${home}/Notes'] })

    await writeExtension(user, 'reader', { ...manifest, permissions: ['net'] })
    await extensions.reload('reader')
    expect(info(extensions, 'reader')).toMatchObject({ status: 'enabled', running: true })
    // The narrower list is what holds now: \`exec\` coming back later asks again.
    expect(JSON.parse(await readFile(stateFile, 'utf8')).accepted.reader).toEqual(['net'])
  })

  it('disabling one waiting for consent keeps it off; enabling it asks again', async () => {
    const user = join(base, 'user')
    await writeExtension(user, 'reader', { permissions: ['exec'] })
    const extensions = await open({ userFolder: user })
    await extensions.disable('reader')
    expect(info(extensions, 'reader').status).toBe('disabled')
    await extensions.enable('reader')
    expect(info(extensions, 'reader')).toMatchObject({ status: 'needs-consent', running: false })
  })

  it('bundled extensions and those that declare nothing need no consent', async () => {
    const bundled = join(base, 'bundled')
    const user = join(base, 'user')
    await writeExtension(bundled, 'shipped', { permissions: ['fs.read:${extension}'] })
    await writeExtension(user, 'plain', {})
    const extensions = await open({ bundledFolder: bundled, userFolder: user })
    expect(info(extensions, 'shipped')).toMatchObject({ status: 'enabled', running: true, consent: null })
    expect(info(extensions, 'shipped').permissions).toHaveLength(1)
    expect(info(extensions, 'plain')).toMatchObject({ status: 'enabled', running: true, consent: null })
  })

  it('installing one that declares permissions asks first; uninstalling forgets what was allowed', async () => {
    const user = join(base, 'user')
    const extensions = await open({ userFolder: user })
    expect(await extensions.install(notesReader)).toMatchObject({ ok: true, value: { name: 'notes-reader', source: 'installed', status: 'needs-consent' } })
    expect(await runs(extensions, 'notes')).toBe(false)
    await extensions.allow('notes-reader', info(extensions, 'notes-reader').consent!.requested)
    expect(await runs(extensions, 'notes')).toBe(true)
    await extensions.disable('notes-reader')
    await extensions.uninstall('notes-reader')
    expect(JSON.parse(await readFile(stateFile, 'utf8'))).toMatchObject({ disabled: [], accepted: {} })
    expect(await extensions.install(notesReader)).toMatchObject({ ok: true, value: { status: 'needs-consent', consent: { accepted: null } } })
  })
})

describe('disabled across restarts', () => {
  it('an extension the user turned off stays off after a restart, and on once turned on again', async () => {
    const user = join(base, 'user')
    await writeExtension(user, 'plain', {})
    let extensions = await open({ userFolder: user })
    await extensions.disable('plain')
    extensions = await restart(extensions, { userFolder: user })
    expect(info(extensions, 'plain')).toMatchObject({ status: 'disabled', running: false })
    expect(await runs(extensions, 'plain')).toBe(false)
    await extensions.enable('plain')
    extensions = await restart(extensions, { userFolder: user })
    expect(info(extensions, 'plain')).toMatchObject({ status: 'enabled', running: true })
  })
})

describe('trusting a working folder', () => {
  it('its extensions run once the folder is trusted (by its real path, across restarts) and stop when trust is revoked', async () => {
    const work = join(base, 'work')
    const link = join(base, 'link-to-work')
    await writeExtension(join(work, '.arbor', 'extensions'), 'local', {})
    await symlink(work, link)
    let extensions = await open({ workspace: { folder: link, trusted: false } })
    expect(info(extensions, 'local')).toMatchObject({ source: 'workspace', status: 'untrusted', running: false, workspaceFolder: link })
    expect(await runs(extensions, 'local')).toBe(false)

    expect(await extensions.trustWorkspace('relative/folder', true)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } })
    expect(await extensions.trustWorkspace(link, true)).toEqual({ ok: true, value: null })
    expect(info(extensions, 'local')).toMatchObject({ status: 'enabled', running: true })
    expect(await runs(extensions, 'local')).toBe(true)
    expect(JSON.parse(await readFile(stateFile, 'utf8')).trustedFolders).toEqual([await realpath(work)])

    extensions = await restart(extensions, { workspace: { folder: work, trusted: false } })
    expect(info(extensions, 'local')).toMatchObject({ status: 'enabled', running: true, workspaceFolder: work })

    await extensions.trustWorkspace(work, false)
    expect(info(extensions, 'local')).toMatchObject({ status: 'untrusted', running: false })
    expect(await runs(extensions, 'local')).toBe(false)
    extensions = await restart(extensions, { workspace: { folder: link, trusted: false } })
    expect(info(extensions, 'local').status).toBe('untrusted')
  })

  it('a trusted folder’s extension that declares permissions still asks for them', async () => {
    const work = join(base, 'work')
    await writeExtension(join(work, '.arbor', 'extensions'), 'local', { permissions: ['fs.read:${workspace}'] })
    const extensions = await open({ workspace: { folder: work, trusted: false } })
    await extensions.trustWorkspace(work, true)
    expect(info(extensions, 'local')).toMatchObject({ status: 'needs-consent', consent: { requested: ['fs.read:${workspace}'] } })
    await extensions.allow('local', ['fs.read:${workspace}'])
    expect(info(extensions, 'local')).toMatchObject({ status: 'enabled', running: true })
  })

  it('consent given to a working folder’s extension is not inherited by a same-named one in another folder', async () => {
    const [a, b] = [join(base, 'a'), join(base, 'b')]
    for (const folder of [a, b]) await writeExtension(join(folder, '.arbor', 'extensions'), 'local', { permissions: ['fs.read:${workspace}'] })
    const extensions = await open({ workspace: { folder: a, trusted: true } })
    await extensions.allow('local', ['fs.read:${workspace}'])
    expect(info(extensions, 'local')).toMatchObject({ status: 'enabled' })
    await extensions.setWorkspace({ folder: b, trusted: true })
    expect(info(extensions, 'local')).toMatchObject({ status: 'needs-consent', running: false, location: expect.stringContaining(b) })
  })
})
