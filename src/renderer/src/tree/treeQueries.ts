import { childIds, type TreeStructure } from './TreeStructure'

/** The ids from the root to `id`, root first; empty for null. */
export function pathIdsTo(structure: TreeStructure, id: string | null): string[] {
  const path: string[] = []
  let current = id
  while (current !== null && structure.parentOf.has(current) && path.length <= structure.parentOf.size) {
    path.push(current)
    current = structure.parentOf.get(current) ?? null
  }
  return path.reverse()
}

/**
 * The leaf reached from `id` by always taking the most recent (last) child: where the
 * conversation through `id` was last continued. Used when stepping to a sibling.
 */
export function latestLeafUnder(structure: TreeStructure, id: string): string {
  let current = id
  for (let guard = 0; guard <= structure.parentOf.size; guard++) {
    const children = childIds(structure, current)
    const last = children[children.length - 1]
    if (last === undefined) return current
    current = last
  }
  return current
}

/** A node's siblings including itself, oldest first, and its place among them. */
export function siblingsOf(structure: TreeStructure, id: string): { ids: readonly string[]; index: number } {
  const parent = structure.parentOf.get(id) ?? null
  const ids = childIds(structure, parent)
  return { ids, index: ids.indexOf(id) }
}

/** Whether `ancestor` is `id` or lies on the path above it. */
export function isInSubtree(structure: TreeStructure, ancestor: string, id: string | null): boolean {
  let current = id
  for (let guard = 0; current !== null && guard <= structure.parentOf.size; guard++) {
    if (current === ancestor) return true
    current = structure.parentOf.get(current) ?? null
  }
  return false
}
