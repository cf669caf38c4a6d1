import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pathTo } from '../../src/shared/conversationTree'
import type { SessionView } from '../../src/shared/treeView'
import type { LoadSettings } from '../../src/shared/types'
import { getDemoModelPath } from '../helpers/fixtures'
import { codeOf, createTestCore, unwrap, viewOf, type TestCore } from '../helpers/testCore'

const settings: LoadSettings = { contextSize: 1024, sequences: 2, gpuLayers: 0, kvCacheType: 'F16', threads: 1 }
const node = (view: SessionView, id: string) => view.nodes.find((n) => n.id === id)
const childrenOf = (view: SessionView, id: string | null) => view.nodes.filter((n) => n.parentId === id)

/** The conversation tree through the real core: every change lands in a Pi-format file. */
describe('conversation tree', () => {
  let t: TestCore
  beforeAll(async () => {
    t = await createTestCore()
    unwrap(await t.core.request('model.load', { path: await getDemoModelPath(), settings }))
  })
  afterAll(() => t.dispose())

  it('regenerate makes a sibling answer and keeps the old one', async () => {
    unwrap(await t.core.request('session.new', undefined))
    const { user, assistant } = unwrap(await t.core.request('chat.send', { text: 'Hello tree' }))
    const again = unwrap(await t.core.request('chat.regenerate', { nodeId: assistant.id })).assistant
    const view = unwrap(await t.core.request('app.snapshot', undefined)).session
    expect(again.id).not.toBe(assistant.id)
    expect(childrenOf(view, user.id).map((n) => n.id)).toEqual([assistant.id, again.id])
    expect(view.leafId).toBe(again.id)
    // The same path was answered again: the same prompt, all of it from the KV cache.
    expect(again.stats!.promptTokens).toBe(assistant.stats!.promptTokens)
    expect(again.stats!.evaluatedTokens).toBeLessThanOrEqual(1)
  })

  it('editing a user message is a sibling with its own replies; selecting moves the context', async () => {
    const view0 = unwrap(await t.core.request('app.snapshot', undefined)).session
    const firstUser = view0.nodes.find((n) => n.kind === 'user')!
    const edited = unwrap(await t.core.request('chat.send', { text: 'Hello edited tree', parentId: firstUser.parentId }))
    const moved = unwrap(await t.core.request('tree.select', { nodeId: edited.assistant.id }))
    const view = unwrap(await t.core.request('app.snapshot', undefined)).session
    expect(childrenOf(view, null).map((n) => n.text)).toEqual(['Hello tree', 'Hello edited tree'])
    expect(moved.leafId).toBe(edited.assistant.id)
    expect(moved.composition).toEqual(view.composition)
    expect(moved.composition!.historyTokens).toBe(node(view, edited.user.id)!.tokens! + node(view, edited.assistant.id)!.tokens!)
    const back = unwrap(await t.core.request('tree.select', { nodeId: firstUser.id }))
    expect(back.leafId).toBe(firstUser.id)
    expect(back.composition!.historyTokens).toBe(node(view, firstUser.id)!.tokens!)
    expect(codeOf(await t.core.request('tree.select', { nodeId: 'deadbeef' }))).toBe('NODE_NOT_FOUND')
  })

  it('labels, favourite and collapse are stored as Pi label and arbor.* custom entries', async () => {
    const view0 = unwrap(await t.core.request('app.snapshot', undefined)).session
    const target = view0.nodes.find((n) => n.kind === 'assistant')!
    const labelled = unwrap(await t.core.request('tree.label', { nodeId: target.id, label: 'good answer' }))
    // The change says what changed: the one node, with its label.
    expect(labelled.upserted).toEqual([expect.objectContaining({ id: target.id, label: 'good answer' })])
    expect(unwrap(await t.core.request('tree.favourite', { leafId: target.id })).favouriteLeafId).toBe(target.id)
    expect(unwrap(await t.core.request('tree.collapse', { nodeId: target.id, collapsed: true })).collapsed).toEqual([target.id])
    const view = await viewOf(t)
    expect(node(view, target.id)!.label).toBe('good answer')
    expect(view.favouriteLeafId).toBe(target.id)
    expect(view.collapsed).toEqual([target.id])
    const lines = (await readFile(view.summary.path, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines[0]).toMatchObject({ type: 'session', version: 3 })
    expect(lines).toContainEqual(expect.objectContaining({ type: 'label', targetId: target.id, label: 'good answer' }))
    expect(lines).toContainEqual(expect.objectContaining({ type: 'custom', customType: 'arbor.favourite' }))
    expect(lines.every((l, i) => i === 0 || (typeof l.id === 'string' && /^[0-9a-f]{8}$/.test(l.id)))).toBe(true)
    unwrap(await t.core.request('tree.label', { nodeId: target.id, label: null }))
    expect(node(await viewOf(t), target.id)!.label).toBeNull()
  })

  it('prunes a subtree and undoes it', async () => {
    const view0 = unwrap(await t.core.request('app.snapshot', undefined)).session
    const root = childrenOf(view0, null)[0]!
    const count = view0.nodes.length
    const delta = unwrap(await t.core.request('tree.prune', { nodeId: root.id }))
    expect(delta.removed).toContain(root.id)
    const pruned = await viewOf(t)
    expect(pruned.nodes.length).toBeLessThan(count)
    expect(pruned.nodes.length).toBe(count - delta.removed!.length)
    expect(node(pruned, root.id)).toBeUndefined()
    expect(pruned.canUndo).toBe(true)
    expect((await readFile(pruned.summary.path, 'utf8')).includes(`"id":"${root.id}"`)).toBe(false)
    expect(unwrap(await t.core.request('tree.undo', undefined)).canUndo).toBe(false)
    const undone = await viewOf(t)
    expect(undone.nodes.length).toBe(count)
    expect(undone.canUndo).toBe(false)
    expect(codeOf(await t.core.request('tree.undo', undefined))).toBe('NOTHING_TO_UNDO')
  })

  it('forks the path into a new session that names its parent', async () => {
    const view0 = unwrap(await t.core.request('app.snapshot', undefined)).session
    const leaf = view0.nodes.filter((n) => n.kind === 'assistant').at(-1)!
    const fork = unwrap(await t.core.request('tree.fork', { nodeId: leaf.id }))
    expect(fork.summary.path).not.toBe(view0.summary.path)
    expect(fork.parentSession).toBe(view0.summary.path)
    // Exactly the root→leaf path, ids kept.
    expect(fork.nodes.map((n) => n.id)).toEqual(pathTo(view0.nodes, leaf.id).map((n) => n.id))
    expect(fork.leafId).toBe(leaf.id)
    const sessions = unwrap(await t.core.request('session.list', undefined))
    expect(sessions.map((s) => s.path)).toEqual(expect.arrayContaining([view0.summary.path, fork.summary.path]))
    // The list says what it is a fork of (the sidebar shows "fork of <name>"), open or not.
    expect(sessions.find((s) => s.path === fork.summary.path)?.parentSession).toBe(view0.summary.path)
    unwrap(await t.core.request('session.open', { path: view0.summary.path }))
    const listed = unwrap(await t.core.request('session.list', undefined))
    expect(listed.find((s) => s.path === fork.summary.path)?.parentSession).toBe(view0.summary.path)
    expect(listed.find((s) => s.path === view0.summary.path)?.parentSession).toBeUndefined()
  })

  it('summarises a branch being left into a branch_summary node under the destination, as Pi does', async () => {
    unwrap(await t.core.request('session.new', undefined))
    const a = unwrap(await t.core.request('chat.send', { text: 'Shared start' }))
    const b = unwrap(await t.core.request('chat.send', { text: 'Side question', parentId: a.assistant.id }))
    const { summary } = unwrap(await t.core.request('tree.summarizeBranch', { fromLeafId: b.assistant.id, toNodeId: a.assistant.id }))
    expect(summary.kind).toBe('branchSummary')
    expect(summary.parentId).toBe(a.assistant.id)
    expect(summary.text.length).toBeGreaterThan(0)
    const view = unwrap(await t.core.request('app.snapshot', undefined)).session
    expect(view.leafId).toBe(summary.id)
    // Leaving for a node on another branch: the summary goes under it (on the path the user continues), fromId as Pi writes it.
    const c = unwrap(await t.core.request('chat.send', { text: 'Other side', parentId: a.assistant.id }))
    const toOther = unwrap(await t.core.request('tree.summarizeBranch', { fromLeafId: b.assistant.id, toNodeId: c.assistant.id })).summary
    expect(toOther.parentId).toBe(c.assistant.id)
    // Leaving for a user message: under its parent, as Pi's /tree puts the message back to be typed again.
    const toUser = unwrap(await t.core.request('tree.summarizeBranch', { fromLeafId: b.assistant.id, toNodeId: c.user.id })).summary
    expect(toUser.parentId).toBe(a.assistant.id)
    const lines = (await readFile(view.summary.path, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { id: string; fromId?: string })
    expect(lines.find((e) => e.id === toOther.id)?.fromId).toBe(c.assistant.id)
  })

  it('summarising the current branch without a destination puts the summary at its branch point', async () => {
    unwrap(await t.core.request('session.new', undefined))
    const a = unwrap(await t.core.request('chat.send', { text: 'Start' }))
    unwrap(await t.core.request('chat.send', { text: 'Left', parentId: a.assistant.id }))
    const right = unwrap(await t.core.request('chat.send', { text: 'Right', parentId: a.assistant.id }))
    const deeper = unwrap(await t.core.request('chat.send', { text: 'Deeper', parentId: right.assistant.id }))
    const { summary } = unwrap(await t.core.request('tree.summarizeBranch', { fromLeafId: deeper.assistant.id, toNodeId: null }))
    expect(summary.parentId).toBe(a.assistant.id)
  })

  it('a new core finds the same tree on disk', async () => {
    const before = unwrap(await t.core.request('app.snapshot', undefined)).session
    // The first core moves on (as when it quits): one Arbor writes a session at a time.
    unwrap(await t.core.request('session.new', undefined))
    const again = await createTestCore({ sessionsFolder: t.sessionsFolder })
    try {
      const after = unwrap(await again.core.request('app.snapshot', undefined)).session
      expect(after.summary.path).toBe(before.summary.path)
      expect(after.nodes.map((n) => [n.id, n.parentId, n.kind, n.text])).toEqual(before.nodes.map((n) => [n.id, n.parentId, n.kind, n.text]))
      expect(after.nodes.find((n) => n.kind === 'assistant')!.stats?.generatedTokens).toBeGreaterThan(0)
    } finally {
      await again.dispose()
    }
  })
})

describe('opening session files', () => {
  let t: TestCore
  beforeAll(async () => {
    t = await createTestCore()
  })
  afterAll(() => t.dispose())

  it('opens a Pi version 1 file (linear, no ids) as a tree, and a corrupt line with a warning', async () => {
    const path = join(t.sessionsFolder, 'pi-v1.jsonl')
    const lines = [
      { type: 'session', id: 'abc', timestamp: '2025-01-01T00:00:00.000Z', cwd: '/tmp' },
      { type: 'message', timestamp: '2025-01-01T00:00:01.000Z', message: { role: 'user', content: 'Hi from Pi', timestamp: 1 } },
      { type: 'message', timestamp: '2025-01-01T00:00:02.000Z', message: { role: 'assistant', content: [{ type: 'text', text: 'Hello!' }], api: 'x', provider: 'y', model: 'z', usage: { input: 1, output: 1, cacheRead: 0, cacheWrite: 0, totalTokens: 2, cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 } }, stopReason: 'stop', timestamp: 2 } },
    ]
    await writeFile(path, lines.map((l) => JSON.stringify(l)).join('\n') + '\n{"type":"message", torn\n')
    const view = unwrap(await t.core.request('session.open', { path }))
    expect(view.nodes.map((n) => [n.kind, n.text])).toEqual([['user', 'Hi from Pi'], ['assistant', 'Hello!']])
    expect(view.nodes[1]!.parentId).toBe(view.nodes[0]!.id)
    expect(view.warnings.join('\n')).toMatch(/line 4/i)
  })

  it('refuses a file that is not a session, and keeps the open one', async () => {
    const path = join(t.sessionsFolder, 'notes.jsonl')
    await writeFile(path, 'just some notes\n')
    const before = unwrap(await t.core.request('app.snapshot', undefined)).session.summary.path
    expect(codeOf(await t.core.request('session.open', { path }))).toBe('SESSION_INVALID')
    expect(unwrap(await t.core.request('app.snapshot', undefined)).session.summary.path).toBe(before)
  })
})
