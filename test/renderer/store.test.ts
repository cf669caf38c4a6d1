import { DEFAULT_APP_SETTINGS } from '../../src/shared/appSettings'
import { describe, expect, it } from 'vitest'
import type { ArborEvent, RequestName } from '../../src/shared/contract'
import { fail, ok, type Result } from '../../src/shared/errors'
import type { SessionDelta, SessionView, TreeNode } from '../../src/shared/treeView'
import type { AppSnapshot } from '../../src/shared/types'
import type { ArborClient } from '../../src/renderer/src/api/ArborClient'
import { createArborStore } from '../../src/renderer/src/store/createArborStore'

const SESSION = 'session-1'
const node = (id: string, parentId: string | null, kind: TreeNode['kind'], text: string, fields: Partial<TreeNode> = {}): TreeNode => ({
  id,
  parentId,
  kind,
  text,
  tokens: 3,
  label: null,
  timestamp: '2026-12-01T00:00:00.000Z',
  ...fields,
})

const baseNodes = [node('u1', null, 'user', 'Hello'), node('a1', 'u1', 'assistant', 'Hi there'), node('u2', 'a1', 'user', 'And trees?')]

const view = (seq: number, nodes: TreeNode[] = baseNodes, leafId: string | null = 'u2'): SessionView => ({
  seq,
  summary: { id: SESSION, path: '/s/one.jsonl', name: null, updatedAt: 1, nodeCount: nodes.length, firstMessage: 'Hello' },
  parentSession: null,
  systemPrompt: 'Be brief.',
  systemPromptTokens: 3,
  nodes,
  leafId,
  favouriteLeafId: null,
  collapsed: [],
  warnings: [],
  canUndo: false,
  toolsEnabled: false,
  overflowPolicy: 'compact',
  cwd: '/work/project',
  composition: null,
})

const snapshot = (session: SessionView): AppSnapshot => ({
  version: 'test',
  hardware: { gpu: { backend: false, names: [], vramTotalBytes: 0, vramFreeBytes: 0 }, ramTotalBytes: 1, ramFreeBytes: 1, physicalCores: 2, logicalCores: 2, defaultThreads: 2, cpuModel: 'test' },
  modelsFolder: '/m',
  models: [],
  load: { status: 'idle' },
  session,
  sessions: [session.summary],
  sessionsFolder: '/s',
  generating: false,
  transport: 'headless',
  extensionsWarning: null,
  settings: DEFAULT_APP_SETTINGS,
  settingsWarning: null,
  server: { status: { running: false, host: '127.0.0.1', port: 1234, baseUrl: null, keyRequired: false, error: null }, log: [] },
  remote: null,
})

/** A client whose core is this test: it answers from `answers` and delivers the events the test emits. */
function testClient(answers: Partial<Record<RequestName, () => Result<unknown>>>) {
  const listeners = new Set<(event: ArborEvent) => void>()
  const asked: RequestName[] = []
  const client: ArborClient = {
    transport: 'headless',
    request: async (name) => {
      asked.push(name)
      return (answers[name]?.() ?? fail('UNKNOWN_REQUEST', name)) as never
    },
    onEvent: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    onConnection: (listener) => {
      listener('open')
      return () => {}
    },
    resolveDroppedFile: async () => fail('UPLOAD_FAILED', 'not in this test'),
  }
  return { client, asked, emit: (event: ArborEvent) => listeners.forEach((l) => l(event)) }
}

async function startedStore(first: SessionView = view(5)) {
  let current = first
  const t = testClient({ 'app.snapshot': () => ok(snapshot(current)), 'extensions.list': () => ok([]) })
  const store = createArborStore(t.client)
  store.getState().start()
  await expect.poll(() => store.getState().ready).toBe(true)
  return { ...t, store, setSnapshot: (next: SessionView) => (current = next) }
}

const delta = (seq: number, fields: Omit<SessionDelta, 'sessionId' | 'seq'>): SessionDelta => ({ sessionId: SESSION, seq, ...fields })

describe('the renderer store, fed the core’s events', () => {
  it('streams an answer into its own field, then merges the stored node in place of the pending one', async () => {
    const { store, emit } = await startedStore()
    const before = store.getState()
    const pending = node('pending-1', 'u2', 'assistant', '', { tokens: null })
    emit({ type: 'chat.turnStart', user: null, assistant: pending })
    const started = store.getState()
    expect(started.generating).toBe(true)
    expect(started.path).toEqual(['u1', 'a1', 'u2', 'pending-1'])
    for (const text of ['Oaks', ' grow', ' slowly.']) emit({ type: 'chat.token', nodeId: 'pending-1', text })
    const streaming = store.getState()
    expect(streaming.streaming).toMatchObject({ nodeId: 'pending-1', text: 'Oaks grow slowly.', tokens: 3 })
    // Tokens do not copy the tree: the nodes, the index and the graph are the same objects.
    expect(streaming.session.nodes).toBe(started.session.nodes)
    expect(streaming.byId).toBe(started.byId)
    expect(streaming.graph).toBe(started.graph)

    const stored = node('a2', 'u2', 'assistant', 'Oaks grow slowly.', { stats: { promptTokens: 20, reusedTokens: 15, evaluatedTokens: 5, contextSize: 1024, generatedTokens: 4, timeToFirstTokenMs: 10, tokensPerSecond: 100, totalMs: 50, stopReason: 'eos', threads: 1 } })
    emit({ type: 'session.changed', delta: delta(6, { upserted: [stored] }) })
    emit({ type: 'session.changed', delta: delta(7, { leafId: 'a2' }) })
    emit({ type: 'chat.turnEnd', pendingId: 'pending-1', node: stored })
    emit({ type: 'chat.idle' })
    const done = store.getState()
    expect(done.generating).toBe(false)
    expect(done.streaming).toBeNull()
    expect(done.session.nodes.map((n) => n.id)).toEqual(['u1', 'a1', 'u2', 'a2'])
    expect(done.path).toEqual(['u1', 'a1', 'u2', 'a2'])
    expect(done.session.seq).toBe(7)
    // What did not change keeps its object.
    for (const id of ['u1', 'a1', 'u2']) expect(done.byId.get(id)).toBe(before.byId.get(id))
  })

  it('applies a label delta to one node, keeping every other node and the layout', async () => {
    const { store, emit } = await startedStore()
    const before = store.getState()
    emit({ type: 'session.changed', delta: delta(6, { upserted: [{ ...baseNodes[1]!, label: 'good' }] }) })
    const after = store.getState()
    expect(after.byId.get('a1')?.label).toBe('good')
    expect(after.byId.get('u1')).toBe(before.byId.get('u1'))
    expect(after.byId.get('u2')).toBe(before.byId.get('u2'))
    // The same parents and children: the tree is not laid out again.
    expect(after.structure).toBe(before.structure)
    expect(after.path).toBe(before.path)
  })

  it('ignores a delta it already has and one of another session', async () => {
    const { store, emit } = await startedStore()
    emit({ type: 'session.changed', delta: delta(6, { upserted: [{ ...baseNodes[0]!, label: 'first' }] }) })
    const once = store.getState()
    emit({ type: 'session.changed', delta: delta(6, { upserted: [{ ...baseNodes[0]!, label: 'again' }] }) })
    emit({ type: 'session.changed', delta: { sessionId: 'other', seq: 7, upserted: [{ ...baseNodes[0]!, label: 'elsewhere' }] } })
    expect(store.getState().byId.get('u1')?.label).toBe('first')
    expect(store.getState().session).toBe(once.session)
  })

  it('catches up the deltas that came before an older snapshot, and fetches one after a gap', async () => {
    const { store, emit, asked, setSnapshot } = await startedStore(view(5))
    // A change it missed (seq 6) shows as a gap at seq 7: it asks for the whole view again.
    const snapshotsBefore = asked.filter((n) => n === 'app.snapshot').length
    setSnapshot(view(6, baseNodes.map((n) => (n.id === 'u1' ? { ...n, label: 'from the snapshot' } : n))))
    emit({ type: 'session.changed', delta: delta(7, { upserted: [{ ...baseNodes[2]!, tokens: 9 }] }) })
    await expect.poll(() => asked.filter((n) => n === 'app.snapshot').length).toBe(snapshotsBefore + 1)
    // The snapshot (seq 6) is older than the delta it already heard (seq 7): that delta is applied over it.
    await expect.poll(() => store.getState().session.seq).toBe(7)
    expect(store.getState().byId.get('u1')?.label).toBe('from the snapshot')
    expect(store.getState().byId.get('u2')?.tokens).toBe(9)
  })

  it('counts tokens from deltas and forgets them for another model', async () => {
    const { store, emit } = await startedStore()
    emit({ type: 'session.changed', delta: delta(6, { clearTokens: true }) })
    expect(store.getState().session.nodes.every((n) => n.tokens === null)).toBe(true)
    emit({ type: 'session.changed', delta: delta(7, { tokens: { u1: 4, a1: 6 } }) })
    expect(store.getState().session.nodes.map((n) => n.tokens)).toEqual([4, 6, null])
  })

  it('adopts another session whole when one opens', async () => {
    const { store, emit } = await startedStore()
    const other: SessionView = { ...view(1, [node('x', null, 'user', 'Elsewhere')], 'x'), summary: { ...view(1).summary, id: 'session-2', path: '/s/two.jsonl' } }
    emit({ type: 'session.opened', session: other })
    expect(store.getState().session.summary.id).toBe('session-2')
    expect(store.getState().path).toEqual(['x'])
    emit({ type: 'session.changed', delta: { sessionId: 'session-2', seq: 2, upserted: [node('y', 'x', 'assistant', 'Here')], leafId: 'y' } })
    expect(store.getState().path).toEqual(['x', 'y'])
  })

  it('keeps the answer being written when a whole view arrives meanwhile', async () => {
    const { store, emit, setSnapshot } = await startedStore()
    emit({ type: 'chat.turnStart', user: null, assistant: node('pending-1', 'u2', 'assistant', '', { tokens: null }) })
    emit({ type: 'chat.token', nodeId: 'pending-1', text: 'Half an' })
    setSnapshot(view(9))
    await store.getState().refreshSnapshot()
    expect(store.getState().session.seq).toBe(9)
    expect(store.getState().path).toEqual(['u1', 'a1', 'u2', 'pending-1'])
    emit({ type: 'chat.token', nodeId: 'pending-1', text: ' answer' })
    expect(store.getState().streaming).toMatchObject({ nodeId: 'pending-1', text: 'Half an answer' })
  })

  it('asks for one snapshot at a time, and after one failed does not ask again at once', async () => {
    let snapshots = 0
    let broken = false
    const t = testClient({
      'app.snapshot': () => {
        snapshots++
        return broken ? fail('INTERNAL', 'The answer to "app.snapshot" is malformed.') : ok(snapshot(view(5)))
      },
      'extensions.list': () => ok([]),
    })
    const store = createArborStore(t.client)
    store.getState().start()
    await expect.poll(() => store.getState().ready).toBe(true)
    broken = true
    // Changes it cannot apply (a gap each): one snapshot, which fails; then no storm of them.
    for (let seq = 7; seq < 17; seq++) t.emit({ type: 'session.changed', delta: delta(seq, {}) })
    await new Promise((resolve) => setTimeout(resolve, 20))
    for (let seq = 17; seq < 27; seq++) t.emit({ type: 'session.changed', delta: delta(seq, {}) })
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(snapshots).toBe(2)
    expect(store.getState().error?.message).toMatch(/malformed/)
  })
})
