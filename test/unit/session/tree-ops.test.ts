import { describe, expect, it } from 'vitest'
import { ArborFailure } from '../../../src/shared/errors'
import { SessionDocument } from '../../../src/shared/session/SessionDocument'
import type { NewSessionEntry } from '../../../src/shared/session/sessionTypes'
import { scanSession } from '../../../src/shared/session/scanSession'

const user = (text: string): NewSessionEntry => ({ type: 'message', message: { role: 'user', content: text } })
const ids = (entries: readonly { id: string }[]) => entries.map((e) => e.id)

/** root → a → (b1 → c1, b2) */
function sample() {
  const doc = SessionDocument.create({ cwd: '/work', id: 'session-1' })
  const root = doc.append(user('root'), null).entry
  const a = doc.append(user('a')).entry
  const b1 = doc.append(user('b1'), a.id).entry
  const c1 = doc.append(user('c1'), b1.id).entry
  const b2 = doc.append(user('b2'), a.id).entry
  return { doc, root, a, b1, c1, b2 }
}

describe('session tree operations', () => {
  it('appends children and branches with fresh 8-hex ids', () => {
    const { doc, root, a, b1, b2 } = sample()
    expect(doc.entries).toHaveLength(5)
    for (const e of doc.entries) expect(e.id).toMatch(/^[0-9a-f]{8}$/)
    expect(new Set(ids(doc.entries)).size).toBe(5)
    expect(a.parentId).toBe(root.id)
    expect(ids(doc.children(a.id))).toEqual([b1.id, b2.id])
    expect(ids(doc.children(null))).toEqual([root.id])
    expect(doc.children(b2.id)).toEqual([])
  })

  it('gives the path from the root, and the leaf is the last entry appended', () => {
    const { doc, root, a, b1, c1, b2 } = sample()
    expect(ids(doc.pathTo(c1.id))).toEqual([root.id, a.id, b1.id, c1.id])
    expect(doc.pathTo(null)).toEqual([])
    expect(doc.leafId).toBe(b2.id)
    expect(() => doc.pathTo('nothere')).toThrow(ArborFailure)
    expect(() => doc.append(user('x'), 'nothere')).toThrow(/no entry nothere/)
  })

  it('appends under the leaf by default, as Pi does', () => {
    const { doc, b2 } = sample()
    const next = doc.append(user('next')).entry
    expect(next.parentId).toBe(b2.id)
    expect(doc.leafId).toBe(next.id)
  })

  it('prunes a subtree with the labels and Arbor entries that target it, and undo restores the file exactly', () => {
    const { doc, root, a, b1, c1, b2 } = sample()
    doc.append({ type: 'label', targetId: c1.id, label: 'deep' }, b2.id)
    doc.append({ type: 'custom', customType: 'arbor.turn', data: { targetId: b1.id, stats: { tokens: 3 } } }, b2.id)
    doc.append({ type: 'label', targetId: root.id, label: 'start' }, b2.id)
    const before = doc.serialize()
    doc.markRewritten()

    const { token, removedIds } = doc.prune(b1.id)
    expect(removedIds).toHaveLength(4)
    expect(removedIds).toEqual(expect.arrayContaining([b1.id, c1.id]))
    expect(doc.get(b1.id)).toBeUndefined()
    expect(ids(doc.children(a.id))).toEqual([b2.id])
    expect([...doc.labels()]).toEqual([[root.id, 'start']])
    expect(doc.arborStateByTarget('arbor.turn').size).toBe(0)
    expect(doc.needsRewrite).toBe(true)

    doc.undo(token)
    expect(doc.serialize()).toBe(before)
    expect(ids(doc.children(a.id))).toEqual([b1.id, b2.id])
    expect(doc.labels().get(c1.id)).toBe('deep')
    expect(() => doc.undo(token)).toThrow(expect.objectContaining({ code: 'NOTHING_TO_UNDO' }))
  })

  it('keeps entries appended after a prune in place when the prune is undone', () => {
    const { doc, a, b1 } = sample()
    const { token } = doc.prune(b1.id)
    const late = doc.append(user('late'), a.id).entry
    doc.undo(token)
    expect(doc.leafId).toBe(late.id)
    expect(ids(doc.children(a.id))).toEqual([b1.id, doc.entries[4]!.id, late.id])
  })

  it('moves the children of a removed label up to its parent, and back on undo', () => {
    const { doc, b1, b2 } = sample()
    const label = doc.append({ type: 'label', targetId: b1.id, label: 'x' }, b2.id).entry
    const after = doc.append(user('after label'), label.id).entry
    const { token } = doc.prune(b1.id)
    expect(doc.get(after.id)?.parentId).toBe(b2.id)
    doc.undo(token)
    expect(doc.get(after.id)?.parentId).toBe(label.id)
  })

  it('keeps the bookkeeping written while inside the pruned branch: a name, a label of another node and its clear, state', () => {
    const { doc, a, b1, c1, b2 } = sample()
    // The position was at c1 (inside b1's branch) while the user named the session, labelled b2, cleared a's label and collapsed a branch.
    doc.append({ type: 'label', targetId: a.id, label: 'start' }, a.id)
    const name = doc.append({ type: 'session_info', name: 'Refactor' }, c1.id).entry
    const labelB2 = doc.append({ type: 'label', targetId: b2.id, label: 'keep me' }, name.id).entry
    const clearA = doc.append({ type: 'label', targetId: a.id }, labelB2.id).entry
    const state = doc.append({ type: 'custom', customType: 'arbor.collapsed', data: { ids: [b2.id] } }, clearA.id).entry
    const ext = doc.append({ type: 'custom', customType: 'my-extension', data: { n: 1 } }, state.id).entry
    const labelC1 = doc.append({ type: 'label', targetId: c1.id, label: 'goes' }, ext.id).entry
    const command = doc.append({ type: 'custom', customType: 'arbor.command', data: { text: '/x output' } }, labelC1.id).entry
    const answer = doc.append(user('typed inside the branch'), command.id).entry

    const { token, removedIds } = doc.prune(b1.id)
    expect(removedIds.sort()).toEqual([b1.id, c1.id, labelC1.id, command.id, answer.id].sort())
    expect(doc.name()).toBe('Refactor')
    expect(doc.labels().get(b2.id)).toBe('keep me')
    expect(doc.labels().has(a.id)).toBe(false)
    expect(doc.arborState().get('arbor.collapsed')).toEqual({ ids: [b2.id] })
    // Moved up to the pruned node's parent, in the order they were written.
    expect(doc.get(name.id)?.parentId).toBe(a.id)
    expect([labelB2, clearA, state, ext].map((e) => doc.get(e.id)?.parentId)).toEqual([name.id, labelB2.id, clearA.id, state.id])
    // The same after the file is written and read back.
    const { doc: reread } = SessionDocument.parse(doc.serialize())
    expect([reread.name(), reread.labels().get(b2.id), reread.labels().has(a.id)]).toEqual(['Refactor', 'keep me', false])
    doc.undo(token)
    expect(doc.get(name.id)?.parentId).toBe(c1.id)
    expect(doc.labels().get(c1.id)).toBe('goes')
  })

  it('refuses to undo a prune whose parent was pruned since', () => {
    const { doc, a, b1 } = sample()
    const first = doc.prune(b1.id)
    const second = doc.prune(a.id)
    expect(() => doc.undo(first.token)).toThrow(expect.objectContaining({ code: 'NODE_NOT_FOUND' }))
    doc.undo(second.token)
    doc.undo(first.token)
    expect(doc.entries).toHaveLength(5)
  })

  it('forks the path to a node into a new session that names its parent', () => {
    const { doc, root, a, b1, c1, b2 } = sample()
    doc.append({ type: 'label', targetId: a.id, label: 'kept' }, b2.id)
    doc.append({ type: 'label', targetId: b2.id, label: 'off path' }, b2.id)
    doc.append({ type: 'custom', customType: 'arbor.system', data: { prompt: 'Be brief.' } }, b2.id)
    const fork = doc.fork(c1.id, { parentSessionPath: '/sessions/parent.jsonl', newId: 'fork-1' })
    expect(fork.header).toMatchObject({ type: 'session', version: 3, id: 'fork-1', cwd: '/work', parentSession: '/sessions/parent.jsonl' })
    const path = fork.entries.slice(0, 4)
    expect(ids(path)).toEqual([root.id, a.id, b1.id, c1.id])
    for (const entry of path) expect(fork.lineOf(entry.id)).toBe(doc.lineOf(entry.id))
    expect([...fork.labels()]).toEqual([[a.id, 'kept']])
    expect(fork.arborState().get('arbor.system')).toEqual({ prompt: 'Be brief.' })
    expect(ids(fork.pathTo(fork.leafId))).toEqual([...ids(path), ...ids(fork.entries.slice(4))])
    expect(doc.get(b2.id)).toBeDefined()
  })

  it('resolves labels: set, changed, cleared; the latest wins', () => {
    const { doc, a, b1 } = sample()
    doc.append({ type: 'label', targetId: a.id, label: 'first' })
    doc.append({ type: 'label', targetId: b1.id, label: 'other' })
    doc.append({ type: 'label', targetId: a.id, label: 'second' })
    expect(doc.labels().get(a.id)).toBe('second')
    doc.append({ type: 'label', targetId: a.id, label: '' })
    expect(doc.labels().has(a.id)).toBe(false)
    doc.append({ type: 'label', targetId: b1.id })
    expect(doc.labels().size).toBe(0)
    expect(() => doc.append({ type: 'label', targetId: 'nothere', label: 'x' })).toThrow(ArborFailure)
  })

  it("keeps Arbor's state in custom entries, the latest of each type winning", () => {
    const { doc, b1, c1, b2 } = sample()
    doc.append({ type: 'custom', customType: 'arbor.favourite', data: { leafId: c1.id } })
    doc.append({ type: 'custom', customType: 'arbor.collapsed', data: { ids: [b1.id] } })
    doc.append({ type: 'custom', customType: 'other-extension', data: { x: 1 } })
    doc.append({ type: 'custom', customType: 'arbor.favourite', data: { leafId: b2.id } })
    doc.append({ type: 'custom', customType: 'arbor.collapsed', data: { ids: [] } })
    doc.append({ type: 'custom', customType: 'arbor.turn', data: { targetId: b1.id, stats: { tokens: 1 } } })
    doc.append({ type: 'custom', customType: 'arbor.turn', data: { targetId: c1.id, stats: { tokens: 2 } } })
    const state = doc.arborState()
    expect(state.get('arbor.favourite')).toEqual({ leafId: b2.id })
    expect(state.get('arbor.collapsed')).toEqual({ ids: [] })
    expect(state.has('other-extension')).toBe(false)
    expect(doc.arborStateByTarget('arbor.turn').get(b1.id)).toEqual({ targetId: b1.id, stats: { tokens: 1 } })
    for (const entry of doc.entries) expect(['message', 'custom']).toContain(entry.type)
  })

  it('names the session after the latest session_info and summarizes the tree', () => {
    const { doc } = sample()
    doc.append({ type: 'session_info', name: 'Old' })
    doc.append({ type: 'session_info', name: ' New ' })
    expect(doc.name()).toBe('New')
    expect(doc.info()).toMatchObject({ entryCount: 7, messageCount: 5, roots: 1, branchPoints: 1, leaves: 2, name: 'New' })
    // An empty name clears it, as in Pi; the quick scan of the sessions list agrees.
    doc.append({ type: 'session_info', name: '  ' })
    expect(doc.name()).toBeUndefined()
    expect(scanSession(doc.serialize()).name).toBeUndefined()
  })
})
