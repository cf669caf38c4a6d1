import { spawnSync } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { basename, dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { codeOf, createTestCore, unwrap, viewOf, type TestCore } from '../../helpers/testCore'

const header = '{"type":"session","version":3,"id":"two-cores-session","timestamp":"2026-12-01T10:00:00.000Z","cwd":"/work"}'
const message = (i: number) =>
  JSON.stringify({ type: 'message', id: `m${String(i).padStart(7, '0')}`, parentId: i === 0 ? null : `m${String(i - 1).padStart(7, '0')}`, timestamp: '2026-12-01T10:00:01.000Z', message: { role: 'user', content: `message ${i}` } })

/** Two Arbor cores (two windows, or the app and `npm run serve`) on one sessions folder. */
describe('two cores on one session', () => {
  const cores: TestCore[] = []
  afterEach(async () => {
    // The later cores first: the first one's dispose deletes the folders they share.
    for (const t of cores.splice(0).reverse()) await t.dispose().catch(() => undefined)
  })

  it('the second cannot open what the first has open, so a prune there cannot drop the first one’s labels', async () => {
    const a = await createTestCore()
    cores.push(a)
    const path = join(a.sessionsFolder, '2026-12-01T10-00-00-000Z_two-cores-session.jsonl')
    const sideBranch = JSON.stringify({ type: 'message', id: 'side0001', parentId: 'm0000010', timestamp: '2026-12-01T10:00:01.000Z', message: { role: 'user', content: 'a side branch' } })
    await writeFile(path, `${[header, ...Array.from({ length: 60 }, (_, i) => message(i))].toSpliced(12, 0, sideBranch).join('\n')}\n`)
    unwrap(await a.core.request('session.open', { path }))

    const b = await createTestCore({ modelsFolder: a.modelsFolder, sessionsFolder: a.sessionsFolder })
    cores.push(b)
    // B started on a new session, saying why, instead of on the latest (A's).
    const startedOn = await viewOf(b)
    expect(startedOn.summary.path).not.toBe(path)
    expect(startedOn.warnings.join(' ')).toMatch(/open in (another Arbor|this Arbor already)/)
    const refused = await b.core.request('session.open', { path })
    expect(codeOf(refused)).toBe('SESSION_LOCKED')
    expect(codeOf(await b.core.request('session.delete', { path }))).toBe('SESSION_LOCKED')

    // A labels 50 messages; each is on disk when acknowledged.
    for (let i = 0; i < 50; i++) unwrap(await a.core.request('tree.label', { nodeId: `m${String(i).padStart(7, '0')}`, label: `kept ${i}` }))
    // A quits (its folders stay: B uses them).
    await a.core.dispose()

    // A closed it: now B may, and finds all 50 labels; its prune rewrites a file that holds them.
    unwrap(await b.core.request('session.open', { path }))
    const seen = await viewOf(b)
    expect(seen.nodes.filter((n) => n.label?.startsWith('kept ')).length).toBe(50)
    unwrap(await b.core.request('tree.prune', { nodeId: 'side0001' }))
    const onDisk = await readFile(path, 'utf8')
    expect(onDisk).not.toContain('side0001')
    expect(onDisk.match(/"kept /g)?.length).toBe(50)
  }, 60_000)

  it('a lock left by a process that died is taken over', async () => {
    const a = await createTestCore()
    cores.push(a)
    const path = join(a.sessionsFolder, '2026-12-01T11-00-00-000Z_stale.jsonl')
    await writeFile(path, `${[header, message(0)].join('\n')}\n`)
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!
    await writeFile(join(dirname(path), `.${basename(path)}.lock`), JSON.stringify({ pid: dead, host: os.hostname(), token: 'gone', since: '' }))
    expect(unwrap(await a.core.request('session.open', { path })).summary.path).toBe(path)
    // And it is ours now, with our pid in it.
    expect(JSON.parse(await readFile(join(dirname(path), `.${basename(path)}.lock`), 'utf8')).pid).toBe(process.pid)
  }, 60_000)
})
