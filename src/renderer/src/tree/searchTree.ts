import type { TreeNode } from '../../../shared/treeView'
import type { TreeStructure } from './TreeStructure'

/** Ids of the nodes whose text or label contains `query` (case-insensitive), in tree order. */
export function searchTree(structure: TreeStructure, byId: ReadonlyMap<string, TreeNode>, query: string): string[] {
  const needle = query.trim().toLocaleLowerCase()
  if (needle === '') return []
  const matches: string[] = []
  for (const id of structure.order) {
    const node = byId.get(id)
    if (!node) continue
    if (node.text.toLocaleLowerCase().includes(needle) || (node.label?.toLocaleLowerCase().includes(needle) ?? false)) matches.push(id)
  }
  return matches
}
