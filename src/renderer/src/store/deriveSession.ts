import type { SessionView } from '../../../shared/treeView'
import { patchGraph } from '../tree/buildGraph'
import { computeGraph } from '../tree/computeGraph'
import { reconcileNodes } from '../tree/reconcileNodes'
import { buildTreeStructure, hasSameStructure } from '../tree/TreeStructure'
import { pathIdsTo } from '../tree/treeQueries'
import type { AppState } from './AppState'
import { rematchSearch } from './rematchSearch'

export type Derived = Pick<
  AppState,
  'session' | 'structure' | 'byId' | 'path' | 'pathIds' | 'favouriteIds' | 'collapsedIds' | 'graph' | 'searchMatches' | 'searchMatchSet' | 'searchIndex'
>

const sameIds = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((id, i) => id === b[i])

/**
 * Folds a `SessionView` into the store's derived state. Everything is reused when it did not
 * change: node objects (so cards do not re-render), the structure (so the layout is not
 * recomputed), the path set, the graph. A selection change costs a path walk, not a layout.
 */
export function deriveSession(s: AppState, incoming: SessionView): Derived {
  const view = s.pendingLeaf ? { ...incoming, leafId: s.pendingLeaf.leafId } : incoming
  const sameSession = view.summary.id === s.session.summary.id
  const reconciled = sameSession
    ? reconcileNodes(s.session.nodes, s.byId, view.nodes)
    : { nodes: view.nodes, changed: [...view.nodes], unchanged: false }
  const structure = sameSession && hasSameStructure(s.structure, reconciled.nodes) ? s.structure : buildTreeStructure(reconciled.nodes)
  const structureChanged = structure !== s.structure
  const byId = reconciled.unchanged ? s.byId : new Map(reconciled.nodes.map((n) => [n.id, n]))
  const collapsedIds = sameIds(view.collapsed, s.session.collapsed) && sameSession ? s.collapsedIds : new Set(view.collapsed)
  const path = !structureChanged && view.leafId === s.session.leafId ? s.path : pathIdsTo(structure, view.leafId)
  const pathIds = path === s.path ? s.pathIds : new Set(path)
  const favouriteIds =
    !structureChanged && view.favouriteLeafId === s.session.favouriteLeafId ? s.favouriteIds : new Set(pathIdsTo(structure, view.favouriteLeafId))
  const relayout = structureChanged || collapsedIds !== s.collapsedIds || (s.favouriteOnly && favouriteIds !== s.favouriteIds)
  const graph = relayout
    ? computeGraph({ structure, byId, collapsed: collapsedIds, favouriteOnly: s.favouriteOnly, favouriteLeafId: view.favouriteLeafId })
    : patchGraph(s.graph, reconciled.changed)
  const search = rematchSearch(s, structure, byId, reconciled.changed)
  return {
    session: { ...view, nodes: reconciled.nodes },
    structure,
    byId,
    path,
    pathIds,
    favouriteIds,
    collapsedIds,
    graph,
    ...search,
  }
}
