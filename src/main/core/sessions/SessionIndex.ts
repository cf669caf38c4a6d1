import { OVERFLOW_POLICIES, type OverflowPolicy } from '../../../shared/contextBudget'
import { jsonDepth } from '../../../shared/boundedJson'
import type { SessionDocument } from '../../../shared/session/SessionDocument'
import type { SessionEntry } from '../../../shared/session/sessionTypes'
import { renderToolCall, toolCallsOf, toolResultOf } from '../../../shared/session/toolParts'
import { isArborCustom } from '../../../shared/session/isArborCustom'
import { messageText, thinkingText } from '../../../shared/session/messageText'
import { readTurnStats } from '../../../shared/session/readTurnStats'
import { targetOf } from '../../../shared/session/targetOf'
import { isShownOnly } from '../../../shared/tree/contextMessages'
import { sameNode } from '../../../shared/tree/sameNode'
import { nodeKindOf } from '../../../shared/tree/treeNodes'
import type { TreeNode } from '../../../shared/treeView'
import type { TurnStats } from '../../../shared/types'

/** Arbor's own state in a session: the latest `arbor.*` entries. */
export type SessionState = { systemPrompt: string | null; favouriteLeafId: string | null; collapsed: string[]; toolsEnabled: boolean; overflowPolicy: OverflowPolicy | null }

/** What one entry (or a rebuild) changed: nodes added or replaced, nodes gone, and whether Arbor's state moved. */
export type IndexChange = { upserted: string[]; removed: string[]; state: boolean }

const field = <T>(data: unknown, key: string, check: (v: unknown) => v is T): T | undefined => {
  const value = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[key] : undefined
  return check(value) ? value : undefined
}
const isString = (v: unknown): v is string => typeof v === 'string'

/** A node's text past this is cut in the view (the entry on disk and what the model reads stay whole). */
export const MAX_NODE_TEXT_CHARS = 200_000
/** Tool-call arguments nested deeper than this are not sent to the UI (nothing renders them, JSON overflows). */
export const MAX_ARGUMENT_DEPTH = 64
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString)

/**
 * The open session's nodes as the UI shows them, kept up to date entry by entry: an append costs the work of that
 * one entry (a new node, a label on one node, a turn's numbers on one node), not a rebuild of the whole tree.
 * A node's parent is its nearest ancestor that is a node itself, so bookkeeping entries between two messages
 * never break the conversation apart. Prune and undo rebuild it and say what differs.
 */
export class SessionIndex {
  private nodes = new Map<string, TreeNode>()
  /** For every entry, the nearest node at or above it (itself for a node). */
  private nodeAt = new Map<string, string | null>()
  private labels = new Map<string, string>()
  private turns = new Map<string, TurnStats>()
  private arbor = new Map<string, unknown>()
  private sessionName: string | undefined
  /** What could not be shown as it is (cut, left out), one line per kind of problem, for the session's warnings. */
  readonly notices = new Set<string>()

  constructor(
    private readonly doc: SessionDocument,
    /** The token count known for a node, or null. */
    private readonly tokensOf: (id: string) => number | null,
  ) {
    for (const entry of doc.entries) this.add(entry)
  }

  get size(): number {
    return this.nodes.size
  }

  /** Every node, in file order. */
  list(): TreeNode[] {
    return [...this.nodes.values()]
  }

  get(id: string): TreeNode | undefined {
    return this.nodes.get(id)
  }

  /** The first node of a kind in file order (found without copying the nodes). */
  first(kind: TreeNode['kind']): TreeNode | undefined {
    for (const node of this.nodes.values()) if (node.kind === kind) return node
    return undefined
  }

  get name(): string | undefined {
    return this.sessionName
  }

  get state(): SessionState {
    return {
      systemPrompt: field(this.arbor.get('arbor.system'), 'prompt', isString) ?? null,
      favouriteLeafId: field(this.arbor.get('arbor.favourite'), 'leafId', isString) ?? null,
      collapsed: field(this.arbor.get('arbor.collapsed'), 'ids', isStringArray) ?? [],
      // Tools cost tokens in every prompt: off in a session until the user turns them on there.
      toolsEnabled: field(this.arbor.get('arbor.tools'), 'enabled', (v): v is boolean => typeof v === 'boolean') ?? false,
      // None chosen (or `null`, "the app's default"): the app settings decide.
      overflowPolicy: field(this.arbor.get('arbor.overflow'), 'policy', (v): v is OverflowPolicy => OVERFLOW_POLICIES.includes(v as OverflowPolicy)) ?? null,
    }
  }

  /** The text a node's tokens are counted on: its text and, for an assistant, its tool calls. */
  countedText(id: string): string {
    const entry = this.doc.get(id)
    if (!entry) return ''
    const calls = toolCallsOf(entry)
    const text = messageText(entry)
    return calls.length ? [text, ...calls.map(renderToolCall)].join('\n') : text
  }

  /** Takes in an entry just appended to the document. */
  add(entry: SessionEntry): IndexChange {
    const change: IndexChange = { upserted: [], removed: [], state: false }
    const kind = nodeKindOf(entry)
    if (kind !== null) {
      this.nodeAt.set(entry.id, entry.id)
      this.nodes.set(entry.id, this.nodeOf(entry, kind))
      change.upserted.push(entry.id)
      return change
    }
    this.nodeAt.set(entry.id, this.nodeAbove(entry.parentId))
    if (entry.type === 'label') {
      if (typeof entry.label === 'string' && entry.label !== '') this.labels.set(entry.targetId, entry.label)
      else this.labels.delete(entry.targetId)
      this.patch(entry.targetId, { label: this.labels.get(entry.targetId) ?? null }, change)
    } else if (entry.type === 'session_info') {
      // The latest one wins; an empty name clears it (Pi's `getSessionName`).
      this.sessionName = (typeof entry.name === 'string' && entry.name.trim()) || undefined
      change.state = true
    } else if (entry.type === 'custom' && isArborCustom(entry)) {
      const target = targetOf(entry)
      if (entry.customType === 'arbor.turn' && target !== undefined) {
        const stats = readTurnStats((entry.data as { stats?: unknown } | undefined)?.stats)
        if (stats) {
          this.turns.set(target, stats)
          this.patch(target, { stats }, change)
        }
      } else {
        this.arbor.set(entry.customType, entry.data)
        change.state = true
      }
    }
    return change
  }

  /** Re-reads the whole document (after a prune or an undo) and says which nodes differ. */
  rebuild(): IndexChange {
    const before = this.nodes
    const fresh = new SessionIndex(this.doc, this.tokensOf)
    Object.assign(this, { nodes: fresh.nodes, nodeAt: fresh.nodeAt, labels: fresh.labels, turns: fresh.turns, arbor: fresh.arbor, sessionName: fresh.sessionName })
    const upserted = [...this.nodes.values()].filter((n) => {
      const old = before.get(n.id)
      return !old || !sameNode(old, n)
    }).map((n) => n.id)
    const removed = [...before.keys()].filter((id) => !this.nodes.has(id))
    return { upserted, removed, state: true }
  }

  /** Token counts found for some nodes: their nodes are replaced (views hold the old objects). */
  setTokens(counts: ReadonlyMap<string, number | null>): void {
    for (const [id, tokens] of counts) {
      const node = this.nodes.get(id)
      if (node && node.tokens !== tokens) this.nodes.set(id, { ...node, tokens })
    }
  }

  private patch(id: string, fields: Partial<TreeNode>, change: IndexChange): void {
    const node = this.nodes.get(id)
    if (!node) return
    this.nodes.set(id, { ...node, ...fields })
    change.upserted.push(id)
  }

  /** The nearest node at or above an entry, resolved through the document for entries not seen yet. */
  private nodeAbove(id: string | null): string | null {
    const chain: string[] = []
    let result: string | null = null
    for (let current = id; current !== null; ) {
      const known = this.nodeAt.get(current)
      if (known !== undefined) {
        result = known
        break
      }
      const entry = this.doc.get(current)
      if (!entry) break
      if (nodeKindOf(entry) !== null) {
        result = current
        break
      }
      if (chain.length > this.doc.size) break
      chain.push(current)
      current = entry.parentId
    }
    for (const entryId of chain) this.nodeAt.set(entryId, result)
    return result
  }

  /** The node of an entry; an entry that cannot be shown becomes a node that says so, never a failed view. */
  private nodeOf(entry: SessionEntry, kind: NonNullable<ReturnType<typeof nodeKindOf>>): TreeNode {
    try {
      return this.boundedNodeOf(entry, kind)
    } catch (error) {
      this.notices.add(`Entry ${entry.id} could not be shown (${String((error as Error)?.message ?? error).slice(0, 200)}); it is kept in the file.`)
      const parentId = entry.parentId === null ? null : this.nodeAbove(entry.parentId)
      return { id: entry.id, parentId, kind, text: '[this entry could not be shown]', tokens: null, label: null, timestamp: String(entry.timestamp ?? '') }
    }
  }

  private boundedNodeOf(entry: SessionEntry, kind: NonNullable<ReturnType<typeof nodeKindOf>>): TreeNode {
    const node: TreeNode = {
      id: entry.id,
      parentId: entry.parentId === null ? null : this.nodeAbove(entry.parentId),
      kind,
      text: messageText(entry),
      tokens: this.tokensOf(entry.id),
      label: this.labels.get(entry.id) ?? null,
      timestamp: entry.timestamp,
    }
    if (node.text.length > MAX_NODE_TEXT_CHARS) {
      node.text = `${node.text.slice(0, MAX_NODE_TEXT_CHARS)}\n… (${(node.text.length - MAX_NODE_TEXT_CHARS).toLocaleString('en-US')} more characters not shown)`
      this.notices.add(`Some messages are longer than ${MAX_NODE_TEXT_CHARS.toLocaleString('en-US')} characters; the tree shows their start.`)
    }
    const toolCalls = toolCallsOf(entry).map((call) => {
      if (jsonDepth(call.arguments, MAX_ARGUMENT_DEPTH) <= MAX_ARGUMENT_DEPTH) return call
      this.notices.add(`A tool call's arguments nest deeper than ${MAX_ARGUMENT_DEPTH} levels; they are kept in the file but not shown.`)
      return { ...call, arguments: { '…': `nested deeper than ${MAX_ARGUMENT_DEPTH} levels; not shown` } }
    })
    if (toolCalls.length) node.toolCalls = toolCalls
    const result = toolResultOf(entry)
    if (result) node.tool = { name: result.toolName, isError: result.isError }
    const thinking = thinkingText(entry)
    if (thinking) node.thinking = thinking.length > MAX_NODE_TEXT_CHARS ? `${thinking.slice(0, MAX_NODE_TEXT_CHARS)}\n…` : thinking
    const stats = this.turns.get(entry.id)
    if (stats) node.stats = stats
    const message = entry.type === 'message' ? (entry.message as { errorMessage?: unknown }) : undefined
    if (typeof message?.errorMessage === 'string') node.error = message.errorMessage
    if (isShownOnly(entry)) node.hidden = true
    if (entry.type === 'compaction' && typeof entry.firstKeptEntryId === 'string') {
      node.compaction = { tokensBefore: Number.isFinite(entry.tokensBefore) && entry.tokensBefore >= 0 ? entry.tokensBefore : 0, firstKeptId: entry.firstKeptEntryId }
    }
    return node
  }
}
