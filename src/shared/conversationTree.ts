import type { MessageNode } from './types'

/** The nodes from the root to `leafId`, in order; empty for a null leaf. Guards against cycles. */
export function pathTo(nodes: readonly MessageNode[], leafId: string | null): MessageNode[] {
  if (leafId === null) return []
  const byId = new Map(nodes.map((n) => [n.id, n]))
  const path: MessageNode[] = []
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
export const childrenOf = (nodes: readonly MessageNode[], parentId: string | null): MessageNode[] =>
  nodes.filter((n) => n.parentId === parentId)
