import type { TreeNode } from '../../../shared/treeView'
import { searchTree } from '../tree/searchTree'
import type { TreeStructure } from '../tree/TreeStructure'
import type { AppState } from './AppState'

const matchesNeedle = (node: TreeNode, needle: string): boolean =>
  node.text.toLocaleLowerCase().includes(needle) || (node.label?.toLocaleLowerCase().includes(needle) ?? false)

/** Search results after the nodes changed; keeps the old ones when nothing matches differently. */
export function rematchSearch(
  s: AppState,
  structure: TreeStructure,
  byId: ReadonlyMap<string, TreeNode>,
  changed: readonly TreeNode[],
): Pick<AppState, 'searchMatches' | 'searchMatchSet' | 'searchIndex'> {
  const keep = { searchMatches: s.searchMatches, searchMatchSet: s.searchMatchSet, searchIndex: s.searchIndex }
  const needle = s.searchQuery.trim().toLocaleLowerCase()
  if (needle === '') return keep
  if (structure === s.structure && !changed.some((n) => s.searchMatchSet.has(n.id) !== matchesNeedle(n, needle))) return keep
  const searchMatches = searchTree(structure, byId, s.searchQuery)
  const activeId = s.searchMatches[s.searchIndex]
  const searchIndex = activeId === undefined ? -1 : searchMatches.indexOf(activeId)
  return { searchMatches, searchMatchSet: new Set(searchMatches), searchIndex }
}
