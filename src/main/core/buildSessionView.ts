import type { SessionDocument } from '../../shared/session/SessionDocument'
import { renderToolCall, toolCallsOf, toolResultOf } from '../../shared/session/toolParts'
import type { ToolForModel } from '../../shared/extensions/toolTokenCost'
import { contextMessages } from '../../shared/tree/contextMessages'
import { type RawTreeNode, treeNodes } from '../../shared/tree/treeNodes'
import type { ContextComposition, SessionView, TreeNode } from '../../shared/treeView'
import type { TurnStats } from '../../shared/types'
import type { ModelRuntime } from './engine/ModelRuntime'
import type { OpenSession } from './SessionService'

export type SessionState = { systemPrompt: string | null; favouriteLeafId: string | null; collapsed: string[] }

const field = <T>(data: unknown, key: string, check: (v: unknown) => v is T): T | undefined => {
  const value = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[key] : undefined
  return check(value) ? value : undefined
}
const isString = (v: unknown): v is string => typeof v === 'string'
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString)

/** Arbor's own state in the session: the latest `arbor.*` custom entries. */
export function sessionState(doc: SessionDocument): SessionState {
  const state = doc.arborState()
  return {
    systemPrompt: field(state.get('arbor.system'), 'prompt', isString) ?? null,
    favouriteLeafId: field(state.get('arbor.favourite'), 'leafId', isString) ?? null,
    collapsed: field(state.get('arbor.collapsed'), 'ids', isStringArray) ?? [],
  }
}

const cachedCount = (runtime: ModelRuntime | null, tokens: Map<string, number>, id: string, text: string): number | null => {
  if (!runtime) return null
  let n = tokens.get(id)
  if (n === undefined) tokens.set(id, (n = runtime.countTokens(text)))
  return n
}

/** The last prompt rendered with each loaded model. */
const lastPrompt = new WeakMap<ModelRuntime, { key: string; tokens: number }>()

/** The text whose tokens a node costs: its text and, for an assistant, its tool calls. */
const countedText = (raw: RawTreeNode): string => {
  const calls = toolCallsOf(raw.entry)
  return calls.length ? [raw.text, ...calls.map(renderToolCall)].join('\n') : raw.text
}

/**
 * What the context at the current position costs, part by part: the system prompt, the tools offered, the messages
 * that reach the model, and the template's tokens around them; together the prompt the chat template renders.
 */
export function buildComposition(
  open: OpenSession,
  runtime: ModelRuntime | null,
  tokens: Map<string, number>,
  defaultPrompt: string,
  tools: readonly ToolForModel[] = [],
): ContextComposition | null {
  if (!runtime) return null
  const entries = open.doc.pathTo(open.position)
  const messages = contextMessages(entries)
  const sent = new Set(messages.map((m) => m.id))
  const systemPrompt = sessionState(open.doc).systemPrompt ?? defaultPrompt
  const systemPromptTokens = runtime.countTokens(systemPrompt)
  const historyTokens = treeNodes(entries).reduce((sum, n) => sum + (sent.has(n.id) ? (cachedCount(runtime, tokens, n.id, countedText(n)) ?? 0) : 0), 0)
  const toolsKey = `\0tools:${JSON.stringify(tools)}`
  let toolTokens = tokens.get(toolsKey)
  if (toolTokens === undefined) tokens.set(toolsKey, (toolTokens = runtime.toolPromptTokens(tools)))
  // Rendering the whole path costs ~0.4 ms per thousand tokens: once per position, prompt and tools.
  const promptKey = `${open.doc.header.id}\0${open.position}\0${systemPrompt}\0${toolsKey}`
  let memo = lastPrompt.get(runtime)
  if (memo?.key !== promptKey) lastPrompt.set(runtime, (memo = { key: promptKey, tokens: runtime.promptTokens(systemPrompt, messages, tools) }))
  const promptTokens = memo.tokens
  return {
    systemPromptTokens,
    toolTokens,
    historyTokens,
    templateTokens: Math.max(0, promptTokens - systemPromptTokens - toolTokens - historyTokens),
    contextSize: runtime.settings.contextSize,
  }
}

/** The open session as the UI shows it. Token counts are cached per node for the loaded model. */
export function buildSessionView(
  open: OpenSession,
  runtime: ModelRuntime | null,
  tokens: Map<string, number>,
  defaultPrompt: string,
  tools: readonly ToolForModel[] = [],
): SessionView {
  const { doc } = open
  const state = sessionState(doc)
  const labels = doc.labels()
  const turns = doc.arborStateByTarget('arbor.turn')
  const count = (id: string, text: string) => cachedCount(runtime, tokens, id, text)
  const nodes: TreeNode[] = treeNodes(doc.entries).map((raw) => {
    const toolCalls = toolCallsOf(raw.entry)
    const node: TreeNode = {
      id: raw.id,
      parentId: raw.parentId,
      kind: raw.kind,
      text: raw.text,
      tokens: count(raw.id, countedText(raw)),
      label: labels.get(raw.id) ?? null,
      timestamp: raw.timestamp,
    }
    if (toolCalls.length) node.toolCalls = toolCalls
    const result = toolResultOf(raw.entry)
    if (result) node.tool = { name: result.toolName, isError: result.isError }
    const stats = (turns.get(raw.id) as { stats?: TurnStats } | undefined)?.stats
    if (stats) node.stats = stats
    const message = raw.entry.type === 'message' ? (raw.entry.message as { errorMessage?: unknown }) : undefined
    if (typeof message?.errorMessage === 'string') node.error = message.errorMessage
    return node
  })
  const ids = new Set(nodes.map((n) => n.id))
  const systemPrompt = state.systemPrompt ?? defaultPrompt
  const systemPromptTokens = runtime ? runtime.countTokens(systemPrompt) : null
  const firstUser = nodes.find((n) => n.kind === 'user')
  return {
    summary: {
      id: doc.header.id,
      path: open.path,
      name: doc.name() ?? null,
      updatedAt: Date.parse(doc.entries.at(-1)?.timestamp ?? doc.header.timestamp) || Date.now(),
      nodeCount: nodes.length,
      firstMessage: firstUser ? firstUser.text.slice(0, 200) : null,
    },
    parentSession: typeof doc.header.parentSession === 'string' ? doc.header.parentSession : null,
    systemPrompt,
    systemPromptTokens,
    nodes,
    leafId: open.position,
    favouriteLeafId: state.favouriteLeafId !== null && ids.has(state.favouriteLeafId) ? state.favouriteLeafId : null,
    collapsed: state.collapsed.filter((id) => ids.has(id)),
    warnings: open.warnings,
    canUndo: open.undo.length > 0,
    composition: buildComposition(open, runtime, tokens, defaultPrompt, tools),
  }
}
