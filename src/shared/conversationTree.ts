/** Anything with an id and a parent id: tree nodes, session entries. */
type Linked = { id: string; parentId: string | null }

/** The nodes from the root to `leafId`, in order; empty for a null leaf. Guards against cycles. */
export function pathTo<T extends Linked>(nodes: readonly T[], leafId: string | null): T[] {
  if (leafId === null) return []
  const byId = new Map(nodes.map((n) => [n.id, n]))
  const path: T[] = []
  const seen = new Set<string>()
  let current = byId.get(leafId)
  while (current && !seen.has(current.id)) {
    seen.add(current.id)
    path.push(current)
    current = current.parentId === null ? undefined : byId.get(current.parentId)
  }
  return path.reverse()
}

/** The children of a node (or the roots for null), oldest first. */
export const childrenOf = <T extends Linked>(nodes: readonly T[], parentId: string | null): T[] =>
  nodes.filter((n) => n.parentId === parentId)
