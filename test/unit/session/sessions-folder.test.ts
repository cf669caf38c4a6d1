import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SessionsFolder } from '../../../src/main/core/sessions/SessionsFolder'
import { SessionFile } from '../../../src/main/core/sessions/SessionFile'
import { SessionDocument } from '../../../src/shared/session/SessionDocument'
import { everyEntryTypeV3, linearV1 } from './sessionFixtures'

describe('SessionsFolder', () => {
  let dir = ''
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'arbor-sessions-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('lists session files, newest first, with name, counts and first message', async () => {
    await writeFile(join(dir, 'all.jsonl'), everyEntryTypeV3)
    await writeFile(join(dir, 'old.jsonl'), linearV1)
    await writeFile(join(dir, 'broken.jsonl'), 'not a session\n')
    await writeFile(join(dir, 'notes.txt'), 'ignored')
    await writeFile(join(dir, '.all.jsonl.abcd0123.tmp'), 'a rewrite interrupted long ago')
    await utimes(join(dir, '.all.jsonl.abcd0123.tmp'), 1000, 1000)
    await writeFile(join(dir, '.all.jsonl.abcd4567.tmp'), 'a rewrite in progress')
    await mkdir(join(dir, 'folder.jsonl'))
    await utimes(join(dir, 'all.jsonl'), 3000, 3000)
    await utimes(join(dir, 'broken.jsonl'), 2000, 2000)
    await utimes(join(dir, 'old.jsonl'), 1000, 1000)
    const folder = new SessionsFolder(dir)
    const list = await folder.list()
    expect(list.map((l) => l.path)).toEqual(['all.jsonl', 'broken.jsonl', 'old.jsonl'].map((n) => join(dir, n)))
    const all = list.find((l) => l.path.endsWith('all.jsonl'))!
    expect(all).toMatchObject({ id: '0f6b2c1e-1111-4222-8333-444455556666', name: 'Refactor auth module', nodeCount: SessionDocument.parse(everyEntryTypeV3).doc.info().messageCount, firstMessage: 'Hello é 1.0' })
    expect(list.find((l) => l.path.endsWith('old.jsonl'))).toMatchObject({ id: 'v1-session', nodeCount: 3, firstMessage: 'one', updatedAt: 1_000_000 })
    expect(list.find((l) => l.path.endsWith('broken.jsonl'))).toMatchObject({ id: 'broken', error: { code: 'SESSION_INVALID' } })
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual(['.all.jsonl.abcd4567.tmp'])
  })

  it('gives Pi-style paths for new sessions and deletes only its own session files', async () => {
    const folder = new SessionsFolder(join(dir, 'nested'))
    const { id, path } = await folder.newSessionPath()
    expect(path).toMatch(new RegExp(`nested/\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\d-\\d{3}Z_${id}\\.jsonl$`))
    await SessionFile.create(path, SessionDocument.create({ id, cwd: dir }))
    expect((await folder.list()).map((l) => l.id)).toEqual([id])
    await expect(folder.delete(join(dir, 'all.jsonl'))).rejects.toMatchObject({ code: 'BAD_REQUEST' })
    await expect(folder.delete(join(dir, 'nested', '..', 'all.jsonl'))).rejects.toMatchObject({ code: 'BAD_REQUEST' })
    await folder.delete(path)
    expect(await folder.list()).toEqual([])
    await expect(folder.delete(path)).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' })
  })
})
