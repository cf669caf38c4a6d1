import type { PruneUndo } from './pruneRecords'
import type { SessionRecord } from './sessionTypes'

/**
 * Merges the records a prune removed back into `held` by their sequence numbers (their original file order;
 * entries appended since stay after them), and gives moved entries their old parent back.
 */
export function restorePruned<T extends SessionRecord & { seq: number }>(held: readonly T[], undo: PruneUndo<T>): T[] {
  const merged: T[] = []
  let i = 0
  for (const record of undo.removed) {
    while (i < held.length && held[i]!.seq < record.seq) merged.push(held[i++]!)
    merged.push(record)
  }
  while (i < held.length) merged.push(held[i++]!)
  for (const change of undo.reparented) {
    if (change.record.entry !== change.replacement) continue
    change.record.entry = change.entry
    change.record.raw = change.raw
  }
  return merged
}
