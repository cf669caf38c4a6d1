import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SessionFile } from '../../../src/main/core/sessions/SessionFile'
import { SessionDocument } from '../../../src/shared/session/SessionDocument'
import { memoryFileOperations } from './memoryFileOperations'
import { everyEntryTypeV3, file, linearV1, userLine } from './sessionFixtures'

const say = (text: string) => ({ type: 'message' as const, message: { role: 'user' as const, content: text } })

describe('SessionFile (in memory)', () => {
  it('appends one durable line per entry to a clean file', async () => {
    const mem = memoryFileOperations({ '/s/a.jsonl': everyEntryTypeV3 })
    const { file: session, doc, warnings } = await SessionFile.open('/s/a.jsonl', mem.ops)
    expect(warnings).toEqual([])
    const { line } = doc.append(say('more'))
    await session.append(line)
    expect(mem.files.get('/s/a.jsonl')).toBe(`${everyEntryTypeV3}${line}\n`)
    expect(mem.log.filter((l) => !l.startsWith('readFile'))).toEqual(['appendDurable /s/a.jsonl'])
  })

  it('rewrites a version 1 file as version 3 on its first write, atomically, then appends', async () => {
    const mem = memoryFileOperations({ '/s/old.jsonl': linearV1 })
    const { file: session, doc, versionRead } = await SessionFile.open('/s/old.jsonl', mem.ops)
    expect(versionRead).toBe(1)
    expect(mem.files.get('/s/old.jsonl')).toBe(linearV1)
    const first = doc.append(say('first'))
    await session.append(first.line)
    const steps = mem.log.filter((l) => !l.startsWith('readFile')).map((l) => l.split(' ')[0])
    expect(steps).toEqual(['createDurable', 'rename', 'syncDirectory'])
    expect(mem.log[1]).toMatch(/^createDurable \/s\/\.old\.jsonl\.[0-9a-f]{8}\.tmp$/)
    const written = mem.files.get('/s/old.jsonl')!
    expect(written).toBe(doc.serialize())
    expect(SessionDocument.parse(written)).toMatchObject({ versionRead: 3, warnings: [] })
    const second = doc.append(say('second'))
    await session.append(second.line)
    expect(mem.files.get('/s/old.jsonl')).toBe(`${written}${second.line}\n`)
    expect([...mem.files.keys()]).toEqual(['/s/old.jsonl'])
  })

  it('writes lines queued behind a rewrite only once', async () => {
    const mem = memoryFileOperations({ '/s/a.jsonl': file(userLine('aaaaaaaa', null)) })
    const { file: session, doc } = await SessionFile.open('/s/a.jsonl', mem.ops)
    doc.prune('aaaaaaaa')
    const rewritten = session.rewrite()
    const one = doc.append(say('one'), null)
    const two = doc.append(say('two'))
    await Promise.all([rewritten, session.append(one.line), session.append(two.line)])
    expect(mem.files.get('/s/a.jsonl')).toBe(doc.serialize())
    expect(SessionDocument.parse(mem.files.get('/s/a.jsonl')!).warnings).toEqual([])
  })

  it('keeps an entry whose append failed and saves it with the next write', async () => {
    const mem = memoryFileOperations({ '/s/a.jsonl': file(userLine('aaaaaaaa', null)) })
    const { file: session, doc } = await SessionFile.open('/s/a.jsonl', mem.ops)
    mem.failures.set('appendDurable', 'ENOSPC')
    const lost = doc.append(say('lost'))
    await expect(session.append(lost.line)).rejects.toMatchObject({ code: 'SESSION_WRITE_FAILED', message: expect.stringContaining('disk is full') })
    mem.failures.clear()
    const next = doc.append(say('next'))
    await session.append(next.line)
    const reread = SessionDocument.parse(mem.files.get('/s/a.jsonl')!).doc
    expect(reread.get(lost.entry.id)).toBeDefined()
    expect(reread.get(next.entry.id)).toBeDefined()
  })

  it('leaves the old file when a rewrite fails before the rename', async () => {
    const mem = memoryFileOperations({ '/s/a.jsonl': file(userLine('aaaaaaaa', null), userLine('bbbbbbbb', 'aaaaaaaa')) })
    const before = mem.files.get('/s/a.jsonl')
    const { file: session, doc } = await SessionFile.open('/s/a.jsonl', mem.ops)
    doc.prune('bbbbbbbb')
    mem.failures.set('rename', 'EACCES')
    await expect(session.rewrite()).rejects.toMatchObject({ message: expect.stringContaining('permission denied') })
    expect(mem.files.get('/s/a.jsonl')).toBe(before)
    expect([...mem.files.keys()]).toEqual(['/s/a.jsonl'])
    expect(doc.needsRewrite).toBe(true)
  })

  it('maps read errors to stable codes', async () => {
    const mem = memoryFileOperations({ '/s/text.jsonl': 'hello\n' })
    mem.folders.add('/s/folder.jsonl')
    await expect(SessionFile.open('/s/none.jsonl', mem.ops)).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' })
    await expect(SessionFile.open('/s/folder.jsonl', mem.ops)).rejects.toMatchObject({ code: 'FILE_IS_DIRECTORY' })
    await expect(SessionFile.open('/s/text.jsonl', mem.ops)).rejects.toMatchObject({ code: 'SESSION_INVALID', message: expect.stringContaining('/s/text.jsonl') })
    mem.failures.set('readFile', 'EACCES')
    await expect(SessionFile.open('/s/text.jsonl', mem.ops)).rejects.toMatchObject({ code: 'FILE_UNREADABLE' })
  })
})

describe('SessionFile (on disk)', () => {
  let dir = ''
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'arbor-session-file-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('creates, appends, prunes, undoes and reopens a session', async () => {
    const path = join(dir, 'new.jsonl')
    const doc = SessionDocument.create({ cwd: dir })
    const session = await SessionFile.create(path, doc)
    const root = doc.append(say('root'), null)
    await session.append(root.line)
    const branch = doc.append(say('branch'))
    await session.append(branch.line)
    const other = doc.append(say('other'), root.entry.id)
    await session.append(other.line)
    const full = await readFile(path, 'utf8')
    expect(full).toBe(doc.serialize())

    const { token } = doc.prune(branch.entry.id)
    await session.rewrite()
    expect((await SessionFile.open(path)).doc.get(branch.entry.id)).toBeUndefined()
    doc.undo(token)
    await session.rewrite()
    expect(await readFile(path, 'utf8')).toBe(full)
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([])
    await expect(SessionFile.create(path, doc)).rejects.toMatchObject({ code: 'FILE_EXISTS' })
  })

  it('heals a file with a torn last line on the first write', async () => {
    const path = join(dir, 'torn.jsonl')
    await writeFile(path, file(userLine('aaaaaaaa', null)) + '{"type":"mess')
    const { file: session, doc, warnings } = await SessionFile.open(path)
    expect(warnings.map((w) => w.code)).toEqual(['SESSION_LINE_TORN'])
    const next = doc.append(say('after the tear'))
    await session.append(next.line)
    const reopened = await SessionFile.open(path)
    expect(reopened.warnings).toEqual([])
    expect(reopened.doc.entries.map((e) => e.id)).toEqual(['aaaaaaaa', next.entry.id])
  })

  it('fails to append to a file that was deleted, rather than creating a headerless one', async () => {
    const path = join(dir, 'gone.jsonl')
    const session = await SessionFile.create(path, SessionDocument.create({ cwd: dir }))
    await rm(path)
    await expect(session.append(session.doc.append(say('x')).line)).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' })
  })
})
