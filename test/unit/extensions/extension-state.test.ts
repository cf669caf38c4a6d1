import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ExtensionStateFileOperations } from '../../../src/main/core/extensions/ExtensionStateFileOperations'
import { ExtensionStateStore } from '../../../src/main/core/extensions/ExtensionStateStore'
import { nodeExtensionStateFileOperations } from '../../../src/main/core/extensions/nodeExtensionStateFileOperations'
import { parseExtensionState } from '../../../src/main/core/extensions/parseExtensionState'

let base: string
let file: string
let warnings: string[]
const open = (ops?: ExtensionStateFileOperations) => ExtensionStateStore.open(file, { ops, warn: (w) => void warnings.push(w) })

/** An in-memory disk that records every step, and can be told to fail one. */
function memoryDisk(files: Map<string, string>, failOn?: keyof ExtensionStateFileOperations) {
  const steps: string[] = []
  const step = (name: keyof ExtensionStateFileOperations, detail: string) => {
    steps.push(`${name} ${detail}`)
    if (name === failOn) throw Object.assign(new Error(`${name} failed`), { code: 'EIO' })
  }
  const ops: ExtensionStateFileOperations = {
    readText: async (path) => (step('readText', path), files.get(path) ?? null),
    writeDurable: async (path, text) => void (step('writeDurable', path), files.set(path, text)),
    rename: async (from, to) => {
      step('rename', `${from} -> ${to}`)
      files.set(to, files.get(from)!)
      files.delete(from)
    },
    copyFile: async (from, to) => void (step('copyFile', `${from} -> ${to}`), files.set(to, files.get(from)!)),
    remove: async (path) => void (step('remove', path), files.delete(path)),
    ensureFolder: async (path) => void step('ensureFolder', path),
  }
  return { ops, steps }
}

beforeEach(async () => {
  base = await mkdtemp(join(os.tmpdir(), 'arbor-state-'))
  file = join(base, 'home', 'extensions.json')
  warnings = []
})
afterEach(() => rm(base, { recursive: true, force: true }))

describe('extension state file', () => {
  it('starts empty without a file, and writes nothing until a choice is made', async () => {
    const store = await open()
    expect(store.snapshot()).toEqual({ disabled: [], settings: {}, trustedFolders: [], accepted: {} })
    expect(store.warning).toBeNull()
    await store.flush()
    expect(await readdir(base)).toEqual([])
  })

  it('round trip: every kind of choice survives a restart', async () => {
    const first = await open()
    await first.setDisabled('tokens', true)
    await first.setSettings('workspace', { root: '/data/notes' })
    await first.setTrusted('/home/u/project', true)
    await first.accept('notes-reader', ['fs.read:${home}/Notes', 'net'])
    await first.flush()
    const second = await open()
    expect(second.isDisabled('tokens')).toBe(true)
    expect(second.settingsOf('workspace')).toEqual({ root: '/data/notes' })
    expect(second.trusts('/home/u/project')).toBe(true)
    expect(second.acceptedOf('notes-reader')).toEqual(['fs.read:${home}/Notes', 'net'])
    expect(second.acceptedOf('other')).toBeNull()
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ version: 1, disabled: ['tokens'] })
    await second.setDisabled('tokens', false)
    await second.setTrusted('/home/u/project', false)
    await second.forget('notes-reader')
    const third = await open()
    expect(third.snapshot()).toEqual({ disabled: [], settings: { workspace: { root: '/data/notes' } }, trustedFolders: [], accepted: {} })
    expect(warnings).toEqual([])
  })

  it('a corrupt file gives a warning and the defaults, and is kept as .bak before anything is written', async () => {
    await (await open()).setDisabled('kept', true)
    await writeFile(file, '{ "version": 1, "disabled": ["tok')
    const store = await open()
    expect(store.snapshot().disabled).toEqual([])
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(file)
    expect(warnings[0]).toContain('not valid JSON')
    expect(warnings[0]).toContain(`${file}.bak`)
    expect(store.warning).toBe(warnings[0])
    expect(await readFile(`${file}.bak`, 'utf8')).toBe('{ "version": 1, "disabled": ["tok')
    await store.setDisabled('export', true)
    expect(JSON.parse(await readFile(file, 'utf8')).disabled).toEqual(['export'])
    expect(await readFile(`${file}.bak`, 'utf8')).toBe('{ "version": 1, "disabled": ["tok')
  })

  it('valid JSON of the wrong shape is corrupt too, naming where', async () => {
    await nodeExtensionStateFileOperations.ensureFolder(join(base, 'home'))
    await writeFile(file, JSON.stringify({ version: 1, disabled: 'tokens' }))
    const store = await open()
    expect(store.isDisabled('tokens')).toBe(false)
    expect(warnings[0]).toMatch(/not the format Arbor writes at "disabled"/)
  })

  it('when no copy can be kept, the file is never written over', async () => {
    const files = new Map([[file, 'garbage']])
    const { ops, steps } = memoryDisk(files, 'copyFile')
    const store = await open(ops)
    expect(warnings[0]).toMatch(/no copy of it could be kept .*not saved this run/)
    await store.setDisabled('tokens', true)
    expect(store.isDisabled('tokens')).toBe(true)
    expect(files.get(file)).toBe('garbage')
    expect(steps.filter((s) => !s.startsWith('readText') && !s.startsWith('copyFile'))).toEqual([])
  })

  it('an unreadable file gives the defaults and is left alone', async () => {
    const { ops, steps } = memoryDisk(new Map(), 'readText')
    const store = await open(ops)
    expect(store.snapshot().disabled).toEqual([])
    expect(warnings[0]).toMatch(/^Could not read .*readText failed.*not saved this run/)
    await store.setDisabled('tokens', true)
    expect(steps).toEqual([`readText ${file}`])
  })

  it.skipIf(process.getuid?.() === 0)('a file without read permission on disk: warning, defaults, no crash', async () => {
    await (await open()).setDisabled('kept', true)
    await chmod(file, 0o000)
    const store = await open()
    expect(store.isDisabled('kept')).toBe(false)
    expect(warnings[0]).toContain('EACCES')
    await store.setDisabled('other', true)
    await chmod(file, 0o600)
    expect(JSON.parse(await readFile(file, 'utf8')).disabled).toEqual(['kept'])
  })

  it('a file from a newer Arbor is read as defaults and never overwritten', async () => {
    const text = JSON.stringify({ version: 2, disabled: ['x'], somethingNew: true })
    const files = new Map([[file, text]])
    const { ops } = memoryDisk(files)
    const store = await open(ops)
    expect(warnings[0]).toContain('newer Arbor (format version 2)')
    await store.setDisabled('tokens', true)
    expect(files.get(file)).toBe(text)
  })

  it('writes atomically: a temporary file, synced, then renamed over the old one', async () => {
    const files = new Map<string, string>()
    const { ops, steps } = memoryDisk(files)
    const store = await open(ops)
    await store.setDisabled('tokens', true)
    const temp = steps.find((s) => s.startsWith('writeDurable'))!.slice('writeDurable '.length)
    expect(temp).not.toBe(file)
    expect(temp.startsWith(`${file}.`)).toBe(true)
    expect(steps.slice(1)).toEqual([`ensureFolder ${join(base, 'home')}`, `writeDurable ${temp}`, `rename ${temp} -> ${file}`])
    expect([...files.keys()]).toEqual([file])
  })

  it('a failed write leaves the old file whole, drops the temporary one and warns', async () => {
    const good = JSON.stringify({ version: 1, disabled: ['kept'] })
    const files = new Map([[file, good]])
    const { ops } = memoryDisk(files, 'rename')
    const store = await open(ops)
    await store.setDisabled('tokens', true)
    expect(files.get(file)).toBe(good)
    expect([...files.keys()]).toEqual([file])
    expect(warnings[0]).toMatch(/Could not save extension choices .*rename failed/)
    expect(store.isDisabled('tokens')).toBe(true)
  })

  it('changes made in a row are all saved, in order', async () => {
    const store = await open()
    await Promise.all(['a', 'b', 'c', 'd'].map((name) => store.setDisabled(name, true)))
    await store.setDisabled('b', false)
    expect(JSON.parse(await readFile(file, 'utf8')).disabled).toEqual(['a', 'c', 'd'])
    expect((await readdir(join(base, 'home'))).filter((n) => n.endsWith('.tmp'))).toEqual([])
  })

  it('keys that look like Object internals are plain names', () => {
    const parsed = parseExtensionState('{"version":1,"accepted":{"__proto__":["exec"],"constructor":["net"]}}')
    expect(parsed.ok).toBe(true)
    if (!parsed.ok) return
    expect(Object.getPrototypeOf(parsed.state.accepted)).toBe(Object.prototype)
    expect(Object.keys(parsed.state.accepted)).toContain('constructor')
    expect(({} as Record<string, unknown>)[0]).toBeUndefined()
    const store = ExtensionStateStore.inMemory(parsed.state)
    expect(store.acceptedOf('constructor')).toEqual(['net'])
    expect(store.acceptedOf('toString')).toBeNull()
  })
})
