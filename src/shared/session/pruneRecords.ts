import type { SessionEntry, SessionRecord } from './sessionTypes'
import { isShownOnly } from './isArborCustom'
import { targetOf } from './targetOf'

/** What `undo` needs to put a pruned subtree back. */
export type PruneUndo<T extends SessionRecord> = {
  /** The removed records, in file order. */
  removed: T[]
  /** Records whose parent was removed while they were not: their entry and line before, and the entry set since. */
  reparented: { record: T; entry: SessionEntry; raw: string | undefined; replacement: SessionEntry }[]
}

/** An entry that records something about the session rather than the conversation: kept by a prune unless it is about what goes. */
const isBookkeeping = (entry: SessionEntry): boolean =>
  entry.type === 'label' || entry.type === 'session_info' || (entry.type === 'custom' && !isShownOnly(entry))

/**
 * Removes the entry `id` and its conversation descendants, plus the labels and Arbor `custom` entries that
 * target any of them. Bookkeeping inside the subtree that is about something else (labels of other nodes and
 * their clears, `session_info`, `custom` state) stays. An entry that survives but whose parent was removed
 * moves up to its nearest surviving ancestor, in file order. Returns the records that remain, in file order,
 * and what it takes to undo.
 */
export function pruneRecords<T extends SessionRecord>(held: T[], byId: ReadonlyMap<string, T>, id: string): { kept: T[]; undo: PruneUndo<T> } {
  const children = new Map<string, string[]>()
  for (const { entry } of held) {
    if (entry.parentId === null) continue
    const list = children.get(entry.parentId)
    if (list) list.push(entry.id)
    else children.set(entry.parentId, [entry.id])
  }
  const removed = new Set<string>()
  const stack = [id]
  while (stack.length > 0) {
    const next = stack.pop()!
    if (removed.has(next)) continue
    removed.add(next)
    for (const child of children.get(next) ?? []) stack.push(child)
  }
  // Bookkeeping written while the position was in the subtree is not part of it: a label of another node, a
  // label clear, the session's name, extension state, Arbor state about nothing removed. It stays, moved up.
  for (const { entry } of held) {
    if (entry.id !== id && removed.has(entry.id) && isBookkeeping(entry)) {
      const target = targetOf(entry)
      if (target === undefined || !removed.has(target)) removed.delete(entry.id)
    }
  }
  const targeting: string[] = []
  for (const { entry } of held) {
    const target = targetOf(entry)
    if (target !== undefined && removed.has(target)) targeting.push(entry.id)
  }
  for (const extra of targeting) removed.add(extra)

  const undo: PruneUndo<T> = { removed: [], reparented: [] }
  const kept: T[] = []
  for (const record of held) {
    if (removed.has(record.entry.id)) {
      undo.removed.push(record)
      continue
    }
    kept.push(record)
    let parent = record.entry.parentId
    if (parent === null || !removed.has(parent)) continue
    while (parent !== null && removed.has(parent)) parent = byId.get(parent)?.entry.parentId ?? null
    const replacement = { ...record.entry, parentId: parent }
    undo.reparented.push({ record, entry: record.entry, raw: record.raw, replacement })
    record.entry = replacement
    record.raw = undefined
  }
  return { kept, undo }
}
