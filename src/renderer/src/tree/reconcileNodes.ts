import type { TreeNode } from '../../../shared/treeView'
import type { TurnStats } from '../../../shared/types'

const sameStats = (a: TurnStats | undefined, b: TurnStats | undefined): boolean => {
  if (a === b) return true
  if (!a || !b) return false
  for (const key of Object.keys(a) as (keyof TurnStats)[]) if (a[key] !== b[key]) return false
  return Object.keys(a).length === Object.keys(b).length
}

/** Whether two versions of a node show the same thing. */
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
  sameStats(a.stats, b.stats)

export type Reconciled = {
  nodes: TreeNode[]
  /** Nodes that are new or differ from their previous version. */
  changed: TreeNode[]
  /** True when `nodes` is the previous array itself (nothing changed at all). */
  unchanged: boolean
}

/**
 * Keeps the previous object of every node that did not change, so that a new `SessionView`
 * from the core (which arrives after every move) re-renders only what really differs.
 */
export function reconcileNodes(
  previous: TreeNode[],
  previousById: ReadonlyMap<string, TreeNode>,
  next: readonly TreeNode[],
): Reconciled {
  const changed: TreeNode[] = []
  let unchanged = previous.length === next.length
  const nodes = next.map((node, i) => {
    const old = previousById.get(node.id)
    const kept = old && (old === node || sameNode(old, node)) ? old : node
    if (kept !== old) changed.push(node)
    if (previous[i] !== kept) unchanged = false
    return kept
  })
  return unchanged ? { nodes: previous, changed, unchanged } : { nodes, changed, unchanged }
}
