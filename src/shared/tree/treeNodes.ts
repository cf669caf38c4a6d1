import { isShownOnly } from '../session/isArborCustom'
import { messageText } from '../session/messageText'
import type { SessionEntry } from '../session/sessionTypes'
import type { TreeNodeKind } from '../treeView'

/** The kind of tree node an entry is, or null for bookkeeping entries (labels, custom state, names…). */
export function nodeKindOf(entry: SessionEntry): TreeNodeKind | null {
  switch (entry.type) {
    case 'message': {
      const role = (entry.message as { role?: unknown } | null)?.role
      if (role === 'user' || role === 'assistant' || role === 'toolResult' || role === 'branchSummary' || role === 'compactionSummary') return role
      return role === 'custom' || role === 'bashExecution' ? 'custom' : null
    }
    case 'branch_summary':
      return 'branchSummary'
    case 'compaction':
      return 'compactionSummary'
    case 'custom_message':
      return 'custom'
    case 'custom':
      // A `/command`'s shown-only output: a node of the tree, never of the context.
      return isShownOnly(entry) ? 'custom' : null
    default:
      return null
  }
}

export type RawTreeNode = { id: string; parentId: string | null; kind: TreeNodeKind; text: string; timestamp: string; entry: SessionEntry }

/**
 * The message entries as tree nodes. A node's parent is its nearest ancestor that is a node
 * itself, so bookkeeping entries between two messages (a label, a turn's stats) never break
 * the conversation apart. Linear in the number of entries.
 */
export function treeNodes(entries: readonly SessionEntry[]): RawTreeNode[] {
  const byId = new Map(entries.map((e) => [e.id, e]))
  const nodeParent = new Map<string, string | null>()
  const resolveParent = (entry: SessionEntry): string | null => {
    const chain: string[] = []
    let parentId = entry.parentId
    let result: string | null = null
    while (parentId !== null) {
      const known = nodeParent.get(parentId)
      const parent = byId.get(parentId)
      if (!parent) break
      if (nodeKindOf(parent) !== null) {
        result = parentId
        break
      }
      if (known !== undefined) {
        result = known
        break
      }
      if (chain.length > entries.length) break
      chain.push(parentId)
      parentId = parent.parentId
    }
    // Bookkeeping entries on the way all resolve to the same node: remember it.
    for (const id of chain) nodeParent.set(id, result)
    return result
  }
  const nodes: RawTreeNode[] = []
  for (const entry of entries) {
    const kind = nodeKindOf(entry)
    if (kind === null) continue
    nodes.push({ id: entry.id, parentId: resolveParent(entry), kind, text: messageText(entry), timestamp: entry.timestamp, entry })
  }
  return nodes
}

/** The node at or above an entry: where Arbor's position is when a file ends with bookkeeping. */
export function nearestNode(entries: ReadonlyMap<string, SessionEntry>, id: string | null): string | null {
  let current = id === null ? undefined : entries.get(id)
  for (let steps = 0; current && steps <= entries.size; steps++) {
    if (nodeKindOf(current) !== null) return current.id
    current = current.parentId === null ? undefined : entries.get(current.parentId)
  }
  return null
}
