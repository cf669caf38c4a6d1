import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { prunedSidecarPath } from '../../../src/main/core/sessions/prunedSidecar'
import { codeOf, createTestCore, unwrap, viewOf, type TestCore } from '../../helpers/testCore'

const line = (o: object) => JSON.stringify(o)
const user = (id: string, parentId: string | null, text: string) => line({ type: 'message', id, parentId, timestamp: '2026-12-01T10:00:00.000Z', message: { role: 'user', content: text } })
const file = [
  line({ type: 'session', version: 3, id: 'undo-session', timestamp: '2026-12-01T10:00:00.000Z', cwd: '/work/project' }),
  user('aaaa0001', null, 'root'),
  user('aaaa0002', 'aaaa0001', 'left'),
  user('aaaa0003', 'aaaa0002', 'left child'),
  line({ type: 'label', id: 'aaaa0004', parentId: 'aaaa0003', timestamp: '2026-12-01T10:00:00.000Z', targetId: 'aaaa0001', label: 'start' }),
  user('aaaa0005', 'aaaa0001', 'right'),
].join('\n') + '\n'

/** A prune can be undone after the session was closed and opened again, until the user empties it. */
describe('undo of a prune after reopening', () => {
  let t: TestCore | null = null
  afterEach(async () => {
    await t?.dispose()
    t = null
  })

  async function pruned() {
    t = await createTestCore()
    const path = join(t.sessionsFolder, '2026-12-01T10-00-00-000Z_undo-session.jsonl')
    await writeFile(path, file)
    unwrap(await t.core.request('session.open', { path }))
    unwrap(await t.core.request('tree.prune', { nodeId: 'aaaa0002' }))
    // Another session opened (the first is closed), then the first one again.
    unwrap(await t.core.request('session.new', undefined))
    const view = unwrap(await t.core.request('session.open', { path }))
    return { t, path, view }
  }

  it('brings the branch back, byte for byte, with the label that moved up back in its place', async () => {
    const { t, path, view } = await pruned()
    expect(view.canUndo).toBe(true)
    expect(view.nodes.map((n) => n.text)).toEqual(['root', 'right'])
    expect(existsSync(prunedSidecarPath(path))).toBe(true)
    unwrap(await t.core.request('tree.undo', undefined))
    expect(await readFile(path, 'utf8')).toBe(file)
    expect((await viewOf(t)).nodes.map((n) => n.text).sort()).toEqual(['left', 'left child', 'right', 'root'])
    expect((await viewOf(t)).canUndo).toBe(false)
    expect(existsSync(prunedSidecarPath(path))).toBe(false)
  })

  it('emptied, it is gone for good: nothing to undo after the next opening', async () => {
    const { t, path } = await pruned()
    unwrap(await t.core.request('tree.emptyUndo', undefined))
    expect(existsSync(prunedSidecarPath(path))).toBe(false)
    unwrap(await t.core.request('session.new', undefined))
    expect(unwrap(await t.core.request('session.open', { path })).canUndo).toBe(false)
    expect(codeOf(await t.core.request('tree.undo', undefined))).toBe('NOTHING_TO_UNDO')
  })
})
