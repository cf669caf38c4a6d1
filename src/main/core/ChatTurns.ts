import { randomBytes } from 'node:crypto'
import type { ArborEvent } from '../../shared/contract'
import { ArborFailure } from '../../shared/errors'
import type { AssistantMessage } from '../../shared/session/sessionTypes'
import type { ToolInfo } from '../../shared/extensions/ExtensionContext'
import type { ToolCallRef } from '../../shared/extensions/ExtensionEvents'
import { parseCommandLine } from '../../shared/extensions/parseCommandLine'
import { contextMessages, type ContextMessage } from '../../shared/tree/contextMessages'
import type { SessionView, TreeNode } from '../../shared/treeView'
import type { ModelFacts, TurnStats } from '../../shared/types'
import { extensionCallContext } from './extensionCallContext'
import type { Extensions } from './extensions/Extensions'
import type { ModelRuntime } from './engine/ModelRuntime'
import { MAX_TOOL_RESULT_CHARS, TOOL_RESULT_CHARS_PER_CONTEXT_TOKEN, runToolCall, toolNotRun, toToolCallRefs } from './runToolCalls'
import type { SessionService } from './SessionService'

const SUMMARY_PROMPT =
  'Summarise the conversation branch below in a few sentences: what was asked, what was found or decided, and anything left open. Write only the summary.'

const commonAncestor = (path: readonly { id: string }[], other: ReadonlySet<string>): string | null =>
  [...path].reverse().find((e) => other.has(e.id))?.id ?? null

const nodeIn = (view: SessionView, id: string): TreeNode => {
  const node = view.nodes.find((n) => n.id === id)
  if (!node) throw new ArborFailure('NODE_NOT_FOUND', `There is no message ${id} in this session.`)
  return node
}

const usageOf = (stats: TurnStats): AssistantMessage['usage'] => ({
  input: stats.evaluatedTokens,
  output: stats.generatedTokens,
  cacheRead: stats.reusedTokens,
  cacheWrite: 0,
  totalTokens: stats.promptTokens + stats.generatedTokens,
  cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 },
})

const PI_STOP_REASONS = { stopped: 'aborted', maxTokens: 'length', error: 'error', toolUse: 'toolUse', eos: 'stop' } as const
const stopReasonOf = (stats: TurnStats): AssistantMessage['stopReason'] => PI_STOP_REASONS[stats.stopReason]

/** Turns on the conversation tree: send, regenerate, summarise a branch; one generation at a time. */
export class ChatTurns {
  private generation: AbortController | null = null

  constructor(
    private readonly sessions: SessionService,
    private readonly emit: (event: ArborEvent) => void,
    private readonly runtime: () => ModelRuntime | null,
    private readonly extensions: Extensions | null = null,
    private readonly modelFacts: () => ModelFacts | null = () => null,
    /** Generations in a row that may call tools before Arbor stops the turn. Defaults to `8`. */
    private readonly maxToolRounds = 8,
  ) {}

  private callContext(systemPrompt: string) {
    return extensionCallContext(this.sessions, this.runtime(), this.modelFacts(), this.emit, systemPrompt)
  }

  /**
   * Runs an extension's `/command` without the model: zero tokens. Its output becomes a node
   * that is shown, and sent to the model on later turns only if the command asked for it.
   */
  async command(text: string, parentId: string | null | undefined): Promise<{ node: TreeNode; sentToModel: boolean }> {
    const parsed = parseCommandLine(text)
    if (!parsed) throw new ArborFailure('BAD_REQUEST', `"${text.slice(0, 40)}" is not a command (/name args).`)
    if (!this.extensions) throw new ArborFailure('COMMAND_NOT_FOUND', `There is no command /${parsed.name}: extensions are off.`)
    const parent = parentId === undefined ? this.sessions.session.position : parentId
    if (parent !== null) this.sessions.nodeExists(parent)
    const result = await this.extensions.runCommand(parsed.name, parsed.args, this.callContext(this.sessions.systemPrompt()))
    if (!result.ok) throw ArborFailure.from(result.error)
    const { text: output, sendToModel, extension } = result.value
    const id = await this.sessions.append(
      {
        type: 'message',
        message: { role: 'custom', customType: 'arbor.command', content: output, display: true, details: { command: text, extension, sendToModel }, timestamp: Date.now() },
      },
      parent,
    )
    this.sessions.session.position = id
    const view = this.sessions.changed()
    return { node: nodeIn(view, id), sentToModel: sendToModel }
  }

  get generating(): boolean {
    return this.generation !== null
  }

  stop(): boolean {
    if (!this.generation) return false
    this.generation.abort()
    return true
  }

  /** The generation is over: another may start, and every UI hears that nothing is generating. */
  private done(): void {
    this.generation = null
    this.emit({ type: 'chat.idle' })
  }

  private node(id: string): TreeNode {
    return nodeIn(this.sessions.view(), id)
  }

  private start(): { runtime: ModelRuntime; abort: AbortController } {
    const runtime = this.runtime()
    if (!runtime) throw new ArborFailure('NO_MODEL_LOADED', 'Load a model before sending a message.')
    if (this.generation) throw new ArborFailure('GENERATION_IN_PROGRESS', 'A reply is still being written. Stop it or wait.')
    this.generation = new AbortController()
    return { runtime, abort: this.generation }
  }

  /** Adds the user's message under `parentId` (default: the current position) and streams the reply. */
  async send(text: string, parentId: string | null | undefined, maxTokens?: number): Promise<{ user: TreeNode; assistant: TreeNode }> {
    const parent = parentId === undefined ? this.sessions.session.position : parentId
    if (parent !== null) this.sessions.nodeExists(parent)
    const { runtime, abort } = this.start()
    try {
      const userId = await this.sessions.append({ type: 'message', message: { role: 'user', content: text, timestamp: Date.now() } }, parent)
      const user = this.node(userId)
      const assistant = await this.answer(runtime, abort, user, maxTokens)
      return { user, assistant }
    } finally {
      this.done()
    }
  }

  /** A new answer to the same path: a sibling of `assistantId`, the old one kept. */
  async regenerate(assistantId: string, maxTokens?: number): Promise<{ assistant: TreeNode }> {
    const old = this.node(assistantId)
    if (old.kind !== 'assistant') throw new ArborFailure('BAD_REQUEST', 'Only an assistant message can be regenerated.')
    const { runtime, abort } = this.start()
    try {
      const parent = old.parentId === null ? null : this.node(old.parentId)
      return { assistant: await this.answer(runtime, abort, parent, maxTokens) }
    } finally {
      this.done()
    }
  }

  /**
   * Answers the path ending at `parent`: streams the model's reply and stores it as its child. When the model
   * calls tools, each call runs (through the extensions' `toolCall` hooks) and its result is stored as a
   * `toolResult` node under the reply; the model then goes on after the results, up to `maxToolRounds` rounds.
   * Returns the last assistant node.
   */
  private async answer(runtime: ModelRuntime, abort: AbortController, parent: TreeNode | null, maxTokens?: number): Promise<TreeNode> {
    let at = parent
    for (let round = 1; ; round++) {
      const tools = this.extensions?.toolDefinitions() ?? []
      const { node, systemPrompt, toolCalls } = await this.answerOnce(runtime, abort, at, tools, maxTokens)
      if (toolCalls.length === 0) return node
      // Every call gets a result, chained under the reply whatever the user selects meanwhile; after Stop the rest
      // say they did not run (as Pi's agent does), so the stored path stays a well-formed conversation.
      const maxChars = Math.min(MAX_TOOL_RESULT_CHARS, runtime.settings.contextSize * TOOL_RESULT_CHARS_PER_CONTEXT_TOKEN)
      let tail = node.id
      for (const call of toolCalls) {
        const result = abort.signal.aborted
          ? toolNotRun(call)
          : await runToolCall(call, this.extensions, this.callContext(systemPrompt), { signal: abort.signal, maxChars })
        tail = await this.sessions.append({ type: 'message', message: result }, tail)
      }
      this.sessions.session.position = tail
      at = nodeIn(this.sessions.changed(), tail)
      if (abort.signal.aborted) return node
      if (round >= this.maxToolRounds) {
        this.emit({ type: 'extensions.notice', extension: 'arbor', text: `The model called tools ${round} times in a row; Arbor stopped there. Send a message to go on.` })
        return node
      }
    }
  }

  /** One generation: the reply to the path ending at `parent`, stored as its child with the tool calls it made. */
  private async answerOnce(runtime: ModelRuntime, abort: AbortController, parent: TreeNode | null, tools: readonly ToolInfo[], maxTokens?: number) {
    const session = this.sessions.session
    const { systemPrompt, path } = await this.applyContextHooks(this.sessions.systemPrompt(), contextMessages(parent ? session.doc.pathTo(parent.id) : []))
    const pendingId = `pending-${randomBytes(3).toString('hex')}`
    const pending: TreeNode = { id: pendingId, parentId: parent?.id ?? null, kind: 'assistant', text: '', tokens: null, label: null, timestamp: new Date().toISOString() }
    session.position = parent?.id ?? null
    this.emit({ type: 'chat.turnStart', user: parent?.kind === 'user' ? parent : null, assistant: pending })
    let text = ''
    let toolCalls: ToolCallRef[] = []
    let stats: TurnStats
    let errorMessage: string | undefined
    try {
      const result = await runtime.generate(systemPrompt, path, {
        signal: abort.signal,
        maxTokens,
        tools,
        onText: (chunk) => {
          text += chunk
          this.emit({ type: 'chat.token', nodeId: pendingId, text: chunk })
        },
      })
      text = result.text
      toolCalls = toToolCallRefs(result.toolCalls, tools)
      stats = result.stats
    } catch (error) {
      errorMessage = (error as Error)?.message ?? String(error)
      stats = { promptTokens: 0, reusedTokens: 0, evaluatedTokens: 0, contextSize: 0, generatedTokens: 0, timeToFirstTokenMs: 0, tokensPerSecond: 0, totalMs: 0, stopReason: 'error', threads: 0 }
    }
    const message: AssistantMessage = {
      role: 'assistant',
      content: [...(text || toolCalls.length === 0 ? [{ type: 'text' as const, text }] : []), ...toolCalls.map((c) => ({ type: 'toolCall' as const, ...c }))],
      api: 'arbor',
      provider: 'llama.cpp',
      model: runtime.modelName,
      usage: usageOf(stats),
      stopReason: stopReasonOf(stats),
      timestamp: Date.now(),
    }
    if (errorMessage) message.errorMessage = errorMessage
    const id = await this.sessions.append({ type: 'message', message }, parent?.id ?? null)
    await this.sessions.append({ type: 'custom', customType: 'arbor.turn', data: { targetId: id, stats } }, id)
    session.position = id
    const view = this.sessions.view()
    const node = nodeIn(view, id)
    this.emit({ type: 'chat.turnEnd', node })
    this.sessions.changed(view)
    // Fire and forget: a slow turnEnd hook must not hold the reply (each call has its own timeout).
    void this.extensions?.emit('turnEnd', { nodeId: id, text, stopReason: stats.stopReason }, this.callContext(systemPrompt))
    if (errorMessage) throw new ArborFailure('GENERATION_FAILED', `The model failed while answering: ${errorMessage}`)
    return { node, systemPrompt, toolCalls }
  }

  /**
   * Extensions' `context` hooks see what is about to be evaluated and may replace it: this is
   * how a user overrides anything. A failing hook is skipped (its extension marked failed).
   */
  private async applyContextHooks(systemPrompt: string, messages: ContextMessage[]): Promise<{ systemPrompt: string; path: ContextMessage[] }> {
    if (!this.extensions) return { systemPrompt, path: messages }
    const { event } = await this.extensions.runContextHooks({ systemPrompt, messages }, this.callContext(systemPrompt))
    return { systemPrompt: event.systemPrompt, path: event.messages }
  }

  /** The nearest node above `id` with more than one child node (null: the root). */
  private branchPointAbove(id: string): string | null {
    const nodes = this.sessions.view().nodes
    const children = new Map<string | null, number>()
    for (const n of nodes) children.set(n.parentId, (children.get(n.parentId) ?? 0) + 1)
    const byId = new Map(nodes.map((n) => [n.id, n]))
    let parent = byId.get(id)?.parentId ?? null
    while (parent !== null && (children.get(parent) ?? 0) < 2) parent = byId.get(parent)?.parentId ?? null
    return parent
  }

  /**
   * Pi's branch summary: the path from the common ancestor to `fromLeafId` (the branch being
   * left) is summarised by the loaded model into a `branch_summary` entry at the common ancestor.
   */
  async summarizeBranch(fromLeafId: string, toNodeId: string | null): Promise<{ summary: TreeNode }> {
    this.node(fromLeafId)
    const { runtime, abort } = this.start()
    try {
      const { doc } = this.sessions.session
      const fromPath = doc.pathTo(fromLeafId)
      // Leaving for a node: the common ancestor. Leaving for nowhere: the branch point above the leaf.
      const common = toNodeId === null ? this.branchPointAbove(fromLeafId) : commonAncestor(fromPath, new Set(doc.pathTo(toNodeId).map((e) => e.id)))
      const branch = fromPath.slice(common === null ? 0 : fromPath.findIndex((e) => e.id === common) + 1)
      const speaker = { user: 'User', assistant: 'Assistant', toolResult: 'Tool result' } as const
      const transcript = contextMessages(branch).map((m) => `${speaker[m.role]}: ${m.text}`).join('\n\n')
      if (!transcript) throw new ArborFailure('BAD_REQUEST', 'That branch has no messages to summarise.')
      const result = await runtime.generate(SUMMARY_PROMPT, [{ role: 'user', text: transcript }], { signal: abort.signal, onText: () => {}, maxTokens: 256 })
      const id = await this.sessions.append({ type: 'branch_summary', fromId: fromLeafId, summary: result.text.trim() }, common)
      this.sessions.session.position = toNodeId === null || toNodeId === common ? id : toNodeId
      return { summary: nodeIn(this.sessions.changed(), id) }
    } finally {
      this.done()
    }
  }
}
