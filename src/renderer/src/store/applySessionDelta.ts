import type { SessionDelta, SessionView, TreeNode } from '../../../shared/treeView'

/**
 * A view with one delta applied (see `SessionDelta`): nodes replaced in place or added at the end, removed ones
 * dropped, token counts filled in, flags, position and composition replaced where the delta has them. Nodes the
 * delta does not touch keep their objects, so what did not change does not re-render.
 */
export function applySessionDelta(view: SessionView, delta: SessionDelta): SessionView {
  const { sessionId: _id, seq, upserted, removed, clearTokens, tokens, leafId, composition, ...flags } = delta
  let nodes = view.nodes
  if (upserted?.length || removed?.length || clearTokens || tokens) {
    const fresh = new Map((upserted ?? []).map((n) => [n.id, n]))
    const gone = new Set(removed ?? [])
    const counted = tokens ? new Map(Object.entries(tokens)) : null
    const next: TreeNode[] = []
    for (const old of nodes) {
      if (gone.has(old.id)) continue
      let node = fresh.get(old.id) ?? old
      fresh.delete(old.id)
      const count = counted?.get(node.id)
      if (count !== undefined && node.tokens !== count) node = { ...node, tokens: count }
      else if (clearTokens && count === undefined && node.tokens !== null) node = { ...node, tokens: null }
      next.push(node)
    }
    for (const node of fresh.values()) next.push(node)
    nodes = next
  }
  return {
    ...view,
    ...flags,
    seq,
    nodes,
    ...(leafId !== undefined ? { leafId } : {}),
    ...(composition !== undefined ? { composition } : {}),
  }
}
