import type { TreeNode } from '../../../shared/treeView'

/**
 * The shape of a session tree, without the messages' text: who is whose parent and child.
 * It changes only when nodes are added, removed or moved, never while a reply streams, so
 * what depends on it (the graph layout) is computed once per structural change.
 */
export type TreeStructure = {
  /** Parent of each node (null for a root). */
  parentOf: ReadonlyMap<string, string | null>
  /** The parent each node named, before missing parents and cycles were repaired. */
  namedParentOf: ReadonlyMap<string, string | null>
  /** Children of each node, oldest first; the key `null` holds the roots. */
  childrenOf: ReadonlyMap<string | null, readonly string[]>
  /** Every node, parents before children (depth first, oldest child first). */
  order: readonly string[]
  /** Nodes in the subtree of each node, itself included. */
  subtreeSize: ReadonlyMap<string, number>
  /** Bumped on every rebuild; a cheap key for memoising on the structure. */
  version: number
}

const noChildren: readonly string[] = []
let versions = 0

/** Children of a node (the roots for null), oldest first. */
export const childIds = (structure: TreeStructure, id: string | null): readonly string[] =>
  structure.childrenOf.get(id) ?? noChildren

/**
 * Builds the structure of a node list. A node whose parent is missing becomes a root, and
 * cycles are broken, so the result is always a forest.
 */
export function buildTreeStructure(nodes: readonly TreeNode[]): TreeStructure {
  const ids = new Set(nodes.map((n) => n.id))
  const namedParentOf = new Map(nodes.map((n) => [n.id, n.parentId]))
  const parentOf = new Map<string, string | null>()
  const childrenOf = new Map<string | null, string[]>()
  for (const node of nodes) {
    const parent = node.parentId !== null && ids.has(node.parentId) && node.parentId !== node.id ? node.parentId : null
    parentOf.set(node.id, parent)
    const siblings = childrenOf.get(parent)
    if (siblings) siblings.push(node.id)
    else childrenOf.set(parent, [node.id])
  }
  const order: string[] = []
  const subtreeSize = new Map<string, number>()
  const visit = (roots: readonly string[]) => {
    // Iterative: a long conversation is a deep chain.
    const stack: { id: string; expanded: boolean }[] = roots.toReversed().map((id) => ({ id, expanded: false }))
    while (stack.length > 0) {
      const top = stack.pop()!
      if (top.expanded) {
        let size = 1
        for (const child of childrenOf.get(top.id) ?? noChildren) size += subtreeSize.get(child) ?? 0
        subtreeSize.set(top.id, size)
        continue
      }
      if (subtreeSize.has(top.id)) continue
      order.push(top.id)
      subtreeSize.set(top.id, 0)
      stack.push({ id: top.id, expanded: true })
      const children = childrenOf.get(top.id) ?? noChildren
      for (let i = children.length - 1; i >= 0; i--) stack.push({ id: children[i]!, expanded: false })
    }
  }
  visit(childrenOf.get(null) ?? noChildren)
  // Nodes caught in a cycle are reachable from no root: make each such group start at a root.
  if (order.length < nodes.length) {
    for (const node of nodes) {
      if (subtreeSize.has(node.id)) continue
      const oldParent = parentOf.get(node.id) ?? null
      const siblings = childrenOf.get(oldParent)
      if (siblings) childrenOf.set(oldParent, siblings.filter((id) => id !== node.id))
      parentOf.set(node.id, null)
      childrenOf.set(null, [...(childrenOf.get(null) ?? noChildren), node.id])
      visit([node.id])
    }
  }
  return { parentOf, namedParentOf, childrenOf, order, subtreeSize, version: ++versions }
}

/** Whether `nodes` has exactly the ids and parents that `structure` was built from. */
export function hasSameStructure(structure: TreeStructure, nodes: readonly TreeNode[]): boolean {
  if (nodes.length !== structure.namedParentOf.size) return false
  for (const node of nodes) if (structure.namedParentOf.get(node.id) !== node.parentId) return false
  return true
}
