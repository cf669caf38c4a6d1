import type { TreeNode } from '../treeView'
import type { TurnStats } from '../types'

const sameStats = (a: TurnStats | undefined, b: TurnStats | undefined): boolean => {
  if (a === b) return true
  if (!a || !b) return false
  for (const key of Object.keys(a) as (keyof TurnStats)[]) if (a[key] !== b[key]) return false
  return Object.keys(a).length === Object.keys(b).length
}

/** Whether two versions of a node show the same thing (an entry's calls never change, so their count will do). */
export const sameNode = (a: TreeNode, b: TreeNode): boolean =>
  a.id === b.id &&
  a.parentId === b.parentId &&
  a.kind === b.kind &&
  a.text === b.text &&
  a.tokens === b.tokens &&
  a.label === b.label &&
  a.timestamp === b.timestamp &&
  a.error === b.error &&
  a.hidden === b.hidden &&
  a.toolCalls?.length === b.toolCalls?.length &&
  a.tool?.isError === b.tool?.isError &&
  a.thinking === b.thinking &&
  sameStats(a.stats, b.stats)
