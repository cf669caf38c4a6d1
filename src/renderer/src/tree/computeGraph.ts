import type { TreeNode } from '../../../shared/treeView'
import { buildGraph, type TreeGraph } from './buildGraph'
import { layoutTree } from './layoutTree'
import type { TreeStructure } from './TreeStructure'
import { visibleTree } from './visibleTree'

export type ComputeGraphInput = {
  structure: TreeStructure
  byId: ReadonlyMap<string, TreeNode>
  collapsed: ReadonlySet<string>
  favouriteOnly: boolean
  favouriteLeafId: string | null
}

/** Filters, lays out and builds the graph: the expensive step, run once per structural change. */
export function computeGraph({ structure, byId, collapsed, favouriteOnly, favouriteLeafId }: ComputeGraphInput): TreeGraph {
  const visible = visibleTree(structure, { collapsed, favouriteOnly, favouriteLeafId })
  const positions = layoutTree(visible.ids, structure.parentOf)
  return buildGraph({ structure, byId, visible, positions, collapsed })
}
