import type { TreeNode } from '../../../shared/treeView'
import { sameNode } from '../../../shared/tree/sameNode'

export { sameNode }

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
