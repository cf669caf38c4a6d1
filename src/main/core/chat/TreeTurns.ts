import { randomBytes } from 'node:crypto'
import type { ArborEvent } from '../../../shared/contract'
import type { EngineEnd } from '../../../shared/engine/engineTypes'
import { DEFAULT_APP_SETTINGS, type AppSettings } from '../../../shared/appSettings'
import { compactionSettings, maxPromptTokens } from '../../../shared/contextBudget'
import { ArborFailure } from '../../../shared/errors'
import { parseCommandLine } from '../../../shared/extensions/parseCommandLine'
import type { ToolCallRef } from '../../../shared/extensions/ExtensionEvents'
import { piUsageOf } from '../../../shared/session/readTurnStats'
import type { AssistantMessage } from '../../../shared/session/sessionTypes'
import { COMMAND_OUTPUT_TYPE, contextMessages } from '../../../shared/tree/contextMessages'
import type { TreeNode } from '../../../shared/treeView'
import type { AppSnapshot } from '../../../shared/types'
import type { Engine } from '../engine'
import type { Extensions } from '../extensions/Extensions'
import type { SessionService } from '../sessions/SessionService'
import type { TurnEvent, TurnRunner } from '../turns/TurnRunner'
import { ContextFitter, type FittedTurn } from './ContextFitter'
import { extensionCallContext } from './extensionCallContext'
import { pickSeed, toEngineSampling, type SamplingSettings, type UsedSampling } from '../../../shared/sampling'

const SUMMARY_PROMPT =
  'Summarise the conversation branch below in a few sentences: what was asked, what was found or decided, and anything left open. Write only the summary.'

type TurnState = { at: string | null; pendingId: string; announced: boolean; last: TreeNode | null; failure: ArborFailure | null; sampling: UsedSampling; dropped: number }

/**
 * The sampling a turn runs with and stores: what the request asked, over the engine's defaults (greedy, no
 * penalty), with its seed picked now when none is fixed, so that the turn can be repeated exactly.
 */
function usedSampling(asked: Partial<SamplingSettings> | undefined, maxTokens: number | undefined): UsedSampling {
  const s = asked ?? {}
  return {
    temperature: s.temperature ?? 0,
    topP: s.topP ?? 1,
    topK: s.topK ?? 0,
    minP: s.minP ?? 0,
    repeatPenalty: s.repeatPenalty ?? 1,
    repeatLastTokens: s.repeatLastTokens ?? 64,
    seed: pickSeed(s.seed),
    maxTokens: maxTokens ?? s.maxTokens ?? null,
    stop: s.stop ?? [],
  }
}

const PI_STOP_REASONS = { stopped: 'aborted', maxTokens: 'length', error: 'error', toolUse: 'toolUse', eos: 'stop' } as const

/** The model's reply as Pi stores it: thinking, text and tool calls, with usage and why it stopped. */
function assistantMessage(end: EngineEnd, toolCalls: ToolCallRef[]): AssistantMessage {
  const message: AssistantMessage = {
    role: 'assistant',
    content: [
      ...(end.reasoning ? [{ type: 'thinking' as const, thinking: end.reasoning }] : []),
      ...(end.text || toolCalls.length === 0 ? [{ type: 'text' as const, text: end.text }] : []),
      ...toolCalls.map((c) => ({ type: 'toolCall' as const, ...c })),
    ],
    api: 'arbor',
    provider: 'llama.cpp',
    model: end.model,
    usage: piUsageOf(end.stats),
    stopReason: PI_STOP_REASONS[end.reason],
    timestamp: Date.now(),
  }
  if (end.error) message.errorMessage = end.error.message.replace(/^The model failed while answering: /, '')
  return message
}

/** The end of a turn that failed before the model answered. */
const failedEnd = (cause: ArborFailure, model: string): EngineEnd => ({
  type: 'end',
  reason: 'error',
  text: '',
  reasoning: '',
  toolCalls: [],
  model,
  stats: { promptTokens: 0, reusedTokens: 0, evaluatedTokens: 0, contextSize: 0, generatedTokens: 0, timeToFirstTokenMs: 0, tokensPerSecond: 0, totalMs: 0, stopReason: 'error', threads: 0 },
  error: { code: 'GENERATION_FAILED', message: cause.message },
})

const commonAncestor = (path: readonly { id: string }[], other: ReadonlySet<string>): string | null =>
  [...path].reverse().find((e) => other.has(e.id))?.id ?? null

/**
 * The conversation tree as a client of the turn runner: send, regenerate, command, summarise a branch. It stores
 * what the runner reports (each reply, each tool result) as nodes and moves the position; one turn at a time.
 */
export class TreeTurns {
  private turn: { controller: AbortController; done: Promise<void> } | null = null
  /** Why no turn may start now (a model being replaced, another session opening); null when one may. */
  private held: string | null = null

  constructor(
    private readonly sessions: SessionService,
    private readonly runner: TurnRunner,
    private readonly engine: Engine,
    private readonly extensions: Extensions | null,
    private readonly emit: (event: ArborEvent) => void,
    /** The app settings now: the default overflow policy and the compaction sizes. */
    private readonly settings: () => AppSettings = () => DEFAULT_APP_SETTINGS,
    /** Generations in a row that may call tools before Arbor stops the turn. Defaults to `8`. */
    private readonly maxToolRounds = 8,
  ) {
    this.fitter = new ContextFitter(sessions, engine, extensions, settings, (progress) => emit({ type: 'chat.compactProgress', ...progress }))
  }

  private readonly fitter: ContextFitter

  get generating(): boolean {
    return this.turn !== null
  }

  /** The answer being streamed now (its pending node, the text so far), for a client that connects mid-answer. */
  get streaming(): AppSnapshot['streaming'] {
    return this.live ?? undefined
  }

  /** The `/command` running now, stopped by `stop`. */
  private commandRun: AbortController | null = null

  /** What is streaming now, kept from `round` to `reply` (see `streaming`). */
  private live: { node: TreeNode; text: string; reasoning?: string; prompt?: { evaluated: number; total: number } } | null = null

  /**
   * Stops the turn being written and lets none start until `work` is done: a model being loaded or unloaded, or
   * another session opening. A message sent meanwhile is refused (`LOAD_IN_PROGRESS`) rather than answered by a
   * model that is about to go.
   */
  async holding<T>(why: string, stopFirst: () => Promise<void>, work: () => Promise<T>): Promise<T> {
    const before = this.held
    this.held = why
    try {
      await stopFirst()
      return await work()
    } finally {
      this.held = before
    }
  }

  /** Stops the answer being written; resolves once it is stored as stopped and the turn is over. */
  async stop(): Promise<boolean> {
    const command = this.commandRun
    command?.abort()
    const turn = this.turn
    if (!turn) return command !== null
    turn.controller.abort()
    await turn.done
    return true
  }

  private callContext(systemPrompt: string) {
    return extensionCallContext(this.sessions, this.engine, this.emit, systemPrompt)
  }

  /** Claims the tree's one turn; `finish` ends it (every UI then hears that nothing is generating). */
  private begin(): { signal: AbortSignal; finish(): void } {
    if (this.held) throw new ArborFailure('LOAD_IN_PROGRESS', `${this.held}; send the message when it is done.`)
    if (!this.engine.loaded) throw new ArborFailure('NO_MODEL_LOADED', 'Load a model before sending a message.')
    if (this.turn) throw new ArborFailure('GENERATION_IN_PROGRESS', 'A reply is still being written. Stop it or wait.')
    const controller = new AbortController()
    let resolve!: () => void
    this.turn = { controller, done: new Promise<void>((r) => (resolve = r)) }
    return {
      signal: controller.signal,
      finish: () => {
        this.turn = null
        this.live = null
        this.emit({ type: 'chat.idle' })
        resolve()
      },
    }
  }

  /**
   * Runs an extension's `/command` without the model: zero tokens. Its output becomes a node that is shown, and
   * sent to the model on later turns only if the command asked for it.
   */
  async command(text: string, parentId: string | null | undefined): Promise<{ node: TreeNode; sentToModel: boolean }> {
    const parsed = parseCommandLine(text)
    if (!parsed) throw new ArborFailure('BAD_REQUEST', `"${text.slice(0, 40)}" is not a command (/name args).`)
    if (parsed.name === 'compact') return this.compact(parsed.args, parentId)
    if (!this.extensions) throw new ArborFailure('COMMAND_NOT_FOUND', `There is no command /${parsed.name}: extensions are off.`)
    const parent = parentId === undefined ? this.sessions.position : parentId
    if (parent !== null) this.sessions.nodeExists(parent)
    // Stop (chat.stop) tells the command through its ctx.signal; it answers, or its timeout ends it.
    const controller = new AbortController()
    this.commandRun = controller
    const result = await this.extensions
      .runCommand(parsed.name, parsed.args, this.callContext(this.sessions.systemPrompt()), { signal: controller.signal })
      .finally(() => {
        if (this.commandRun === controller) this.commandRun = null
      })
    if (!result.ok) throw ArborFailure.from(result.error)
    const { text: output, sendToModel, extension } = result.value
    // Sent: Pi's extension message (`custom_message`), which Pi sends too. Shown only: a `custom` entry, which no one sends.
    const id = await this.sessions.append(
      sendToModel
        ? { type: 'custom_message', customType: COMMAND_OUTPUT_TYPE, content: output, display: true, details: { command: text, extension } }
        : { type: 'custom', customType: COMMAND_OUTPUT_TYPE, data: { text: output, command: text, extension } },
      parent,
    )
    this.sessions.moveTo(id)
    return { node: this.sessions.node(id), sentToModel: sendToModel }
  }

  /** Adds the user's message under `parentId` (default: the current position) and streams the reply. */
  async send(text: string, parentId: string | null | undefined, maxTokens?: number, sampling?: Partial<SamplingSettings>): Promise<{ user: TreeNode; assistant: TreeNode }> {
    const parent = parentId === undefined ? this.sessions.position : parentId
    if (parent !== null) this.sessions.nodeExists(parent)
    const turn = this.begin()
    try {
      // Made to fit first (compacted, or its middle left out, as the session says); refused otherwise, with nothing added.
      const fitted = await this.fitter.beforeTurn(parent, text, this.sessions.overflowPolicy ?? this.settings().overflowPolicy, turn.signal)
      const userId = await this.sessions.append({ type: 'message', message: { role: 'user', content: text, timestamp: Date.now() } }, fitted.parent)
      const user = this.sessions.node(userId)
      return { user, assistant: await this.answer(user, turn.signal, usedSampling(sampling, maxTokens), fitted.dropped) }
    } finally {
      turn.finish()
    }
  }

  /** What sending `text` at the position would take of the context (see `chat.countDraft`); null without a model. */
  async countDraft(text: string): Promise<{ promptTokens: number; maxPromptTokens: number; compactAt: number; contextSize: number } | null> {
    const loaded = this.engine.loaded
    if (!loaded) return null
    const contextSize = loaded.settings.contextSize
    const messages = [...this.sessions.contextAt(this.sessions.position), ...(text ? [{ role: 'user' as const, text }] : [])]
    const promptTokens = await this.fitter.promptTokens(messages).catch(() => null)
    if (promptTokens === null) return null
    return { promptTokens, maxPromptTokens: maxPromptTokens(contextSize), compactAt: contextSize - compactionSettings(contextSize, this.settings()).reserveTokens, contextSize }
  }

  /**
   * `/compact [instructions]`: the history before the recent part is summarised by the loaded model into a Pi
   * `compaction` entry at the position (what it replaced stays in the file and the tree); the context then starts
   * with the summary.
   */
  private async compact(instructions: string, parentId: string | null | undefined): Promise<{ node: TreeNode; sentToModel: boolean }> {
    const at = parentId === undefined ? this.sessions.position : parentId
    if (at !== null) this.sessions.nodeExists(at)
    const turn = this.begin()
    try {
      const id = await this.fitter.compact(at, instructions.trim() || undefined, turn.signal)
      this.sessions.moveTo(id)
      return { node: this.sessions.node(id), sentToModel: true }
    } finally {
      turn.finish()
    }
  }

  /** A new answer to the same path: a sibling of `assistantId`, the old one kept. */
  async regenerate(assistantId: string, maxTokens?: number, sampling?: Partial<SamplingSettings>): Promise<{ assistant: TreeNode }> {
    const old = this.sessions.node(assistantId)
    if (old.kind !== 'assistant') throw new ArborFailure('BAD_REQUEST', 'Only an assistant message can be regenerated.')
    const turn = this.begin()
    try {
      const parent = old.parentId === null ? null : this.sessions.node(old.parentId)
      return { assistant: await this.answer(parent, turn.signal, usedSampling(sampling, maxTokens)) }
    } finally {
      turn.finish()
    }
  }

  /**
   * Answers the path ending at `parent` through the runner and stores each reply as a child (under the last thing
   * stored, whatever the user selects meanwhile) and each tool result under its call. Returns the last reply.
   */
  private async answer(parent: TreeNode | null, signal: AbortSignal, sampling: UsedSampling, dropped: FittedTurn['dropped'] = null): Promise<TreeNode> {
    const state: TurnState = { at: parent?.id ?? null, pendingId: '', announced: false, last: null, failure: null, sampling, dropped: dropped?.count ?? 0 }
    this.sessions.moveTo(state.at)
    const messages = this.sessions.contextAt(state.at)
    if (dropped) messages.splice(dropped.from, dropped.count)
    const turn = this.runner.run(
      {
        systemPrompt: this.sessions.systemPrompt(),
        messages,
        sampling: toEngineSampling(sampling, sampling.seed),
        tools: this.sessions.toolsEnabled,
        maxToolRounds: this.maxToolRounds,
        callContext: (systemPrompt) => this.callContext(systemPrompt),
      },
      signal,
    )
    try {
      for await (const event of turn) await this.store(event, parent, state)
    } catch (error) {
      const cause = ArborFailure.wrap(error, 'GENERATION_FAILED')
      if (!state.announced) throw cause
      // The answer announced (its bubble shown) never came: it is stored as a failed reply, so that the tree says
      // what happened and every UI drops the bubble; the request answers that the model failed.
      const id = await this.sessions.append({ type: 'message', message: assistantMessage(failedEnd(cause, this.engine.loaded?.facts.fileName ?? ''), []) }, state.at)
      this.sessions.moveTo(id)
      this.live = null
      this.emit({ type: 'chat.turnEnd', pendingId: state.pendingId, node: this.sessions.node(id) })
      throw new ArborFailure('GENERATION_FAILED', `The answer could not be written: ${cause.message}`)
    }
    if (state.failure) throw state.failure
    if (!state.last) throw new ArborFailure('GENERATION_FAILED', 'The model gave no answer.')
    return state.last
  }

  /** Stores what one event of the turn says, and tells every UI. */
  private async store(
    event: TurnEvent,
    parent: TreeNode | null,
    state: TurnState,
  ): Promise<void> {
    if (event.type === 'round') {
      state.pendingId = `pending-${randomBytes(3).toString('hex')}`
      state.announced = true
      const pending: TreeNode = { id: state.pendingId, parentId: state.at, kind: 'assistant', text: '', tokens: null, label: null, timestamp: new Date().toISOString() }
      this.live = { node: pending, text: '' }
      this.emit({ type: 'chat.turnStart', user: event.round === 1 && parent?.kind === 'user' ? parent : null, assistant: pending })
    } else if (event.type === 'promptProgress') {
      if (this.live) this.live.prompt = { evaluated: event.evaluated, total: event.total }
      this.emit({ type: 'chat.promptProgress', nodeId: state.pendingId, evaluated: event.evaluated, total: event.total })
    } else if (event.type === 'text') {
      if (this.live) this.live.text += event.text
      this.emit({ type: 'chat.token', nodeId: state.pendingId, text: event.text })
    } else if (event.type === 'reasoning') {
      if (this.live) this.live.reasoning = (this.live.reasoning ?? '') + event.text
      this.emit({ type: 'chat.reasoning', nodeId: state.pendingId, text: event.text })
    } else if (event.type === 'reply') {
      const id = await this.sessions.append({ type: 'message', message: assistantMessage(event.end, event.toolCalls) }, state.at)
      await this.sessions.append({ type: 'custom', customType: 'arbor.turn', data: { targetId: id, stats: { ...event.end.stats, sampling: state.sampling, ...(state.dropped ? { droppedMessages: state.dropped } : {}) } } }, id)
      event.message.id = id
      state.at = id
      state.announced = false
      this.sessions.moveTo(id)
      state.last = this.sessions.node(id)
      this.live = null
      this.emit({ type: 'chat.turnEnd', pendingId: state.pendingId, node: state.last })
      // Fire and forget: a slow turnEnd hook must not hold the reply (each call has its own timeout).
      void this.extensions?.emit('turnEnd', { nodeId: id, text: event.end.text, stopReason: event.end.reason }, this.callContext(event.systemPrompt))
      if (event.end.error) state.failure = ArborFailure.from(event.end.error)
    } else if (event.type === 'toolProgress') {
      if (state.last) this.emit({ type: 'chat.toolProgress', nodeId: state.last.id, callId: event.call.id, text: event.text })
    } else if (event.type === 'toolResult') {
      state.at = await this.sessions.append({ type: 'message', message: event.result }, state.at)
      event.message.id = state.at
      this.sessions.moveTo(state.at)
    } else if (event.type === 'roundLimit') {
      this.emit({ type: 'extensions.notice', extension: 'arbor', text: `The model called tools ${event.rounds} times in a row; Arbor stopped there. Send a message to go on.` })
    }
  }

  /**
   * Pi's branch summary: the path from the common ancestor to `fromLeafId` (the branch being left) is summarised
   * by the loaded model into a `branch_summary` entry at the common ancestor.
   */
  async summarizeBranch(fromLeafId: string, toNodeId: string | null): Promise<{ summary: TreeNode }> {
    this.sessions.nodeExists(fromLeafId)
    const turn = this.begin()
    try {
      const fromPath = this.sessions.entriesTo(fromLeafId)
      const toPath = toNodeId === null ? [] : this.sessions.entriesTo(toNodeId)
      // Leaving for a node: what is summarised ends at the common ancestor. Leaving for nowhere: at the branch point above the leaf.
      const common = toNodeId === null ? this.sessions.branchPointAbove(fromLeafId) : commonAncestor(fromPath, new Set(toPath.map((e) => e.id)))
      const branch = fromPath.slice(common === null ? 0 : fromPath.findIndex((e) => e.id === common) + 1)
      const speaker = { user: 'User', assistant: 'Assistant', toolResult: 'Tool result' } as const
      const transcript = contextMessages(branch).map((m) => `${speaker[m.role]}: ${m.text}`).join('\n\n')
      if (!transcript) throw new ArborFailure('BAD_REQUEST', 'That branch has no messages to summarise.')
      let summary = ''
      const generation = this.engine.generate({ systemPrompt: SUMMARY_PROMPT, messages: [{ role: 'user', text: transcript }], sampling: { maxTokens: 256 } }, turn.signal)
      for await (const event of generation) if (event.type === 'end') summary = event.text
      // Where Pi's /tree puts it (`navigateTree` + `branchWithSummary`): under the destination, or under the
      // destination's parent when that is a user or extension message (which goes back to being typed).
      const target = toPath.at(-1)
      const retyped = target !== undefined && ((target.type === 'message' && (target.message as { role?: unknown }).role === 'user') || target.type === 'custom_message')
      const at = toNodeId === null ? common : retyped ? target.parentId : toNodeId
      const id = await this.sessions.append({ type: 'branch_summary', fromId: at ?? 'root', summary: summary.trim() }, at)
      this.sessions.moveTo(id)
      return { summary: this.sessions.node(id) }
    } finally {
      turn.finish()
    }
  }
}
