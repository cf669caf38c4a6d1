import { truncate, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { MAX_SESSION_BYTES } from '../../../src/main/core/sessions/sessionFileError'
import { codeOf, createTestCore, unwrap, viewOf, type TestCore } from '../../helpers/testCore'

const header = (id: string) => JSON.stringify({ type: 'session', version: 3, id, timestamp: '2026-12-01T10:00:00.000Z', cwd: '/w' })
const user = (id: string, parentId: string | null, content: string) =>
  JSON.stringify({ type: 'message', id, parentId, timestamp: '2026-12-01T10:00:01.000Z', message: { role: 'user', content } })

/** Session files are untrusted input: made by hand, by another tool, or to break Arbor. */
describe('untrusted session content', () => {
  const cores: TestCore[] = []
  afterEach(async () => {
    for (const t of cores.splice(0).reverse()) await t.dispose().catch(() => undefined)
  })

  it('tool-call arguments nested 100,000 deep: the session opens (at start too), with a warning, and the core keeps answering', async () => {
    const first = await createTestCore()
    cores.push(first)
    const path = join(first.sessionsFolder, '2026-12-01T10-00-00-000Z_deep.jsonl')
    const deep = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`
    const assistant = `{"type":"message","id":"asst0001","parentId":"user0001","timestamp":"2026-12-01T10:00:02.000Z","message":{"role":"assistant","content":[{"type":"text","text":"calling"},{"type":"toolCall","id":"call_1","name":"bash","arguments":${deep}}],"stopReason":"toolUse"}}`
    await writeFile(path, `${[header('deep'), user('user0001', null, 'Hi'), assistant].join('\n')}\n`)
    const view = unwrap(await first.core.request('session.open', { path }))
    expect(view.warnings.join(' ')).toMatch(/deeper than 64 levels/)
    expect(view.nodes.find((n) => n.id === 'asst0001')!.toolCalls![0]!.name).toBe('bash')
    // What crosses the wire is plain JSON again.
    expect(() => JSON.stringify(view)).not.toThrow()
    unwrap(await first.core.request('session.list', undefined))
    await first.core.dispose()

    // It is the latest session: the next start opens it, and the snapshot (what the UI waits for) answers.
    const next = await createTestCore({ modelsFolder: first.modelsFolder, sessionsFolder: first.sessionsFolder })
    cores.push(next)
    const snapshot = unwrap(await next.core.request('app.snapshot', undefined))
    expect(snapshot.session.summary.path).toBe(path)
    expect(JSON.stringify(snapshot).length).toBeLessThan(100_000)
  }, 60_000)

  it('a 3 MB message: the tree shows its start, says so, and the file keeps it whole', async () => {
    const t = await createTestCore()
    cores.push(t)
    const path = join(t.sessionsFolder, '2026-12-01T10-00-00-000Z_long.jsonl')
    await writeFile(path, `${[header('long'), user('user0001', null, 'x'.repeat(3_000_000))].join('\n')}\n`)
    const view = unwrap(await t.core.request('session.open', { path }))
    const node = view.nodes.find((n) => n.id === 'user0001')!
    expect(node.text.length).toBeLessThan(250_000)
    expect(node.text).toMatch(/more characters not shown/)
    expect(view.warnings.join(' ')).toMatch(/longer than 200,000 characters/)
  })

  it('a session over the size limit is listed as too large, refused with FILE_TOO_LARGE, and skipped at start with a notice', async () => {
    const t = await createTestCore()
    cores.push(t)
    const older = join(t.sessionsFolder, '2026-12-01T09-00-00-000Z_small.jsonl')
    await writeFile(older, `${[header('small'), user('user0001', null, 'still here')].join('\n')}\n`)
    await utimes(older, new Date('2026-12-01T09:00:00Z'), new Date('2026-12-01T09:00:00Z'))
    // Sparse: as large as it says without taking the disk.
    const huge = join(t.sessionsFolder, '2026-12-01T10-00-00-000Z_huge.jsonl')
    await writeFile(huge, `${header('huge')}\n`)
    await truncate(huge, MAX_SESSION_BYTES + 1)
    const listed = unwrap(await t.core.request('session.list', undefined))
    expect(listed.find((s) => s.path === older)).toBeTruthy()
    const opened = await t.core.request('session.open', { path: huge })
    expect(codeOf(opened)).toBe('FILE_TOO_LARGE')
    expect(!opened.ok && opened.error.message).toMatch(/too large to open \(134,217,729 bytes/)
    await t.core.dispose()

    const next = await createTestCore({ modelsFolder: t.modelsFolder, sessionsFolder: t.sessionsFolder })
    cores.push(next)
    const view = await viewOf(next)
    expect(view.summary.path).toBe(older)
    expect(view.warnings.join(' ')).toMatch(/Skipped 2026-12-01T10-00-00-000Z_huge\.jsonl: .*too large to open/)
  })
})
