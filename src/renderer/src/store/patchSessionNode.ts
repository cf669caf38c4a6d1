import type { TreeNode } from '../../../shared/treeView'
import { patchGraph } from '../tree/buildGraph'
import { sameNode } from '../tree/reconcileNodes'
import type { AppState } from './AppState'
import type { Derived } from './deriveSession'
import { rematchSearch } from './rematchSearch'

/**
 * The streaming fast path: one node's content changed (a token, the end of a turn), its place
 * did not. Copies the arrays once and patches one card, instead of reconciling the whole
 * session. Null when the node is new or moved (then `deriveSession` is needed).
 */
export function patchSessionNode(s: AppState, node: TreeNode): Partial<Derived> | null {
  const old = s.byId.get(node.id)
  if (!old || old.parentId !== node.parentId) return null
  if (sameNode(old, node)) return {}
  const index = s.session.nodes.indexOf(old)
  if (index < 0) return null
  const nodes = s.session.nodes.slice()
  nodes[index] = node
  const byId = new Map(s.byId).set(node.id, node)
  return {
    session: { ...s.session, nodes },
    byId,
    graph: patchGraph(s.graph, [node]),
    ...rematchSearch(s, s.structure, byId, [node]),
  }
}
