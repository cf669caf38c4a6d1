import { readFile, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { SessionManager } from '@mariozechner/pi-coding-agent'
import { afterEach, describe, expect, it } from 'vitest'
import { codeOf, createTestCore, unwrap, viewOf, type TestCore } from '../../helpers/testCore'

const usage = { input: 1, output: 1, cacheRead: 0, cacheWrite: 0, totalTokens: 2, cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 } }
const lines = [
  { type: 'session', version: 3, id: 'shared-session', timestamp: '2026-12-01T10:00:00.000Z', cwd: '/work/project' },
  { type: 'message', id: 'aaaa0001', parentId: null, timestamp: '2026-12-01T10:00:01.000Z', message: { role: 'user', content: 'Start', timestamp: 1 } },
  {
    type: 'message',
    id: 'aaaa0002',
    parentId: 'aaaa0001',
    timestamp: '2026-12-01T10:00:02.000Z',
    message: { role: 'assistant', content: [{ type: 'text', text: 'Started.' }], api: 'openai-completions', provider: 'arbor', model: 'm', usage, stopReason: 'stop', timestamp: 2 },
  },
]

/** Pi writing the session Arbor has open: its entries appear in Arbor, and Arbor never writes over them. */
describe('a session file another program writes', () => {
  let t: TestCore | null = null
  afterEach(async () => {
    await t?.dispose()
    t = null
  })

  async function openShared() {
    t = await createTestCore()
    const path = join(t.sessionsFolder, '2026-12-01T10-00-00-000Z_shared-session.jsonl')
    await writeFile(path, lines.map((l) => JSON.stringify(l)).join('\n') + '\n')
    unwrap(await t.core.request('session.open', { path }))
    return { t, path }
  }

  it("Pi's appends show up in the open session, and Arbor's next write goes after them, losing nothing", async () => {
    const { t, path } = await openShared()
    const pi = SessionManager.open(path, join(t.sessionsFolder, 'pi'))
    pi.appendMessage({ role: 'user', content: 'From Pi', timestamp: 3 })
    pi.appendMessage({ role: 'assistant', content: [{ type: 'text', text: 'Pi answered.' }], api: 'openai-completions', provider: 'arbor', model: 'm', usage, stopReason: 'stop', timestamp: 4 } as never)
    // The watcher takes them in: every UI hears the new nodes.
    await expect.poll(async () => (await viewOf(t)).nodes.map((n) => n.text), { timeout: 5000 }).toEqual(['Start', 'Started.', 'From Pi', 'Pi answered.'])
    pi.appendMessage({ role: 'user', content: 'Pi again', timestamp: 5 })
    // Arbor writes without waiting for the watcher: the check before the write takes Pi's line in first.
    unwrap(await t.core.request('session.rename', { name: 'Shared work' }))
    const text = await readFile(path, 'utf8')
    expect(text.split('\n').filter((l) => l.includes('"Pi again"'))).toHaveLength(1)
    expect(text.split('\n').filter((l) => l.includes('"From Pi"'))).toHaveLength(1)
    expect(text).toContain('"name":"Shared work"')
    // And Pi still reads the whole file, Arbor's entry included.
    const reread = SessionManager.open(path, join(t.sessionsFolder, 'pi2'))
    expect(reread.getSessionName()).toBe('Shared work')
    expect(reread.getEntries().filter((e) => e.type === 'message')).toHaveLength(5)
    expect((await viewOf(t)).nodes.map((n) => n.text)).toContain('Pi again')
  })

  it("a prune right after Pi appended (a whole rewrite) keeps Pi's lines", async () => {
    const { t, path } = await openShared()
    const pi = SessionManager.open(path, join(t.sessionsFolder, 'pi'))
    const side = pi.appendMessage({ role: 'user', content: 'Pi on a branch', timestamp: 3 })
    pi.branch('aaaa0001')
    pi.appendMessage({ role: 'user', content: 'Pi elsewhere', timestamp: 4 })
    unwrap(await t.core.request('tree.prune', { nodeId: 'aaaa0002' }))
    const text = await readFile(path, 'utf8')
    // The prune took the answer and what Pi put under it; Pi's other line is there.
    expect(text).not.toContain(side)
    expect(text).toContain('"Pi elsewhere"')
    expect(text).not.toContain('"Started."')
  })

  it('a file that shrank underneath is never written over: SESSION_CHANGED_ON_DISK, and the file stays as it is', async () => {
    const { t, path } = await openShared()
    const first = JSON.stringify(lines[0]) + '\n'
    await truncate(path, first.length + JSON.stringify(lines[1]).length + 1)
    const before = await readFile(path, 'utf8')
    expect(codeOf(await t.core.request('session.rename', { name: 'Lost?' }))).toBe('SESSION_CHANGED_ON_DISK')
    expect(await readFile(path, 'utf8')).toBe(before)
  })

  it('an appended line that does not fit the tree is refused too, and kept in the file', async () => {
    const { t, path } = await openShared()
    const stray = JSON.stringify({ type: 'message', id: 'bbbb0001', parentId: 'nowhere', timestamp: '2026-12-01T10:00:03.000Z', message: { role: 'user', content: 'stray' } })
    await writeFile(path, stray + '\n', { flag: 'a' })
    expect(codeOf(await t.core.request('session.rename', { name: 'x' }))).toBe('SESSION_CHANGED_ON_DISK')
    expect(await readFile(path, 'utf8')).toContain(stray)
    expect(await readFile(path, 'utf8')).not.toContain('"name":"x"')
  })
})
