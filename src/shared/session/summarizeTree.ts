import type { SessionEntry } from './sessionTypes'

export type SessionTreeInfo = {
  entryCount: number
  /** Entries of type `message`. */
  messageCount: number
  /** Entries without a parent (a well-formed session has one). */
  roots: number
  /** Entries with more than one child. */
  branchPoints: number
  /** Entries without children. */
  leaves: number
}

/** Counts over the whole tree, every entry type included (as Pi's tree holds them). */
export function summarizeTree(entries: readonly SessionEntry[]): SessionTreeInfo {
  const childCount = new Map<string, number>()
  let roots = 0
  let messageCount = 0
  for (const entry of entries) {
    if (entry.type === 'message') messageCount++
    if (entry.parentId === null) roots++
    else childCount.set(entry.parentId, (childCount.get(entry.parentId) ?? 0) + 1)
  }
  let branchPoints = 0
  let leaves = 0
  for (const entry of entries) {
    const count = childCount.get(entry.id) ?? 0
    if (count === 0) leaves++
    else if (count > 1) branchPoints++
  }
  return { entryCount: entries.length, messageCount, roots, branchPoints, leaves }
}
