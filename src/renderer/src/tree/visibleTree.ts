import { childIds, type TreeStructure } from './TreeStructure'
import { pathIdsTo } from './treeQueries'

export type VisibleTree = {
  /** Shown nodes, parents before children. */
  ids: string[]
  /** For a shown node whose children are not shown: how many descendants that hides. */
  hiddenCount: ReadonlyMap<string, number>
}

export type VisibleTreeOptions = {
  collapsed: ReadonlySet<string>
  /** Show only the path to `favouriteLeafId` and the siblings along it (nothing when there is no favourite). */
  favouriteOnly: boolean
  favouriteLeafId: string | null
}

/**
 * Which nodes the graph shows: all but the descendants of collapsed nodes, or, in
 * "favourite path only", the favourite path and the siblings of its nodes.
 */
export function visibleTree(structure: TreeStructure, { collapsed, favouriteOnly, favouriteLeafId }: VisibleTreeOptions): VisibleTree {
  const ids: string[] = []
  const hiddenCount = new Map<string, number>()
  const favouritePath = favouriteOnly ? new Set(pathIdsTo(structure, favouriteLeafId)) : null
  if (favouritePath?.size === 0) return { ids, hiddenCount }
  const stack = childIds(structure, null).toReversed()
  while (stack.length > 0) {
    const id = stack.pop()!
    ids.push(id)
    const children = childIds(structure, id)
    if (children.length === 0) continue
    if (collapsed.has(id) || (favouritePath !== null && !favouritePath.has(id)) || (favouritePath !== null && id === favouriteLeafId)) {
      hiddenCount.set(id, (structure.subtreeSize.get(id) ?? 1) - 1)
      continue
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!)
  }
  return { ids, hiddenCount }
}
