import { EventChannel } from '../../../shared/eventChannel'
import type { EngineEnd, EngineEvent, GenerationPriority, ResponseFormat, Sampling } from '../../../shared/engine/engineTypes'
import type { ToolForModel } from '../../../shared/extensions/toolTokenCost'
import type { ContextMessage, ToolCallRef } from '../../../shared/extensions/ExtensionEvents'
import type { ToolResultMessage } from '../../../shared/session/sessionTypes'
import type { Engine } from '../engine'
import type { ExtensionCallContext } from '../extensions/ExtensionCallContext'
import type { Extensions } from '../extensions/Extensions'
import { MAX_TOOL_RESULT_CHARS, TOOL_RESULT_CHARS_PER_CONTEXT_TOKEN, runToolCall, toolNotRun, toToolCallRefs } from './runToolCall'

export type TurnRequest = {
  systemPrompt: string
  /** The conversation so far, oldest first. */
  messages: ContextMessage[]
  /** Offer the running extensions' tools to the model. Defaults to `true`. */
  tools?: boolean
  /**
   * Tools the caller runs itself (an API client), offered instead of the extensions': never run here, the turn
   * ends at the model's calls. Defaults to none.
   */
  clientTools?: ToolForModel[]
  /** Let the extensions' `context` hooks rewrite the context. Defaults to `true`; an API request is sent as its client sent it. */
  hooks?: boolean
  sampling?: Sampling
  responseFormat?: ResponseFormat
  /** Defaults to `interactive`. */
  priority?: GenerationPriority
  /** Generations in a row that may call tools before the turn stops. Defaults to `8`. */
  maxToolRounds?: number
  /** What extension calls (context hooks, tools) see of the caller: the tree gives its path, an API request its own. */
  callContext(systemPrompt: string): ExtensionCallContext
}

/**
 * What a turn reports, in order: per round a `round` (the context after the hooks), the engine's events, one
 * `reply` (the model's message); when it called tools, per call `toolStart`, any `toolProgress` and `toolResult`;
 * `roundLimit` when the model would not stop calling. A client that stores `reply.message` or `toolResult.message`
 * may set its `id`: later rounds' context hooks see it.
 */
export type TurnEvent =
  | { type: 'round'; round: number; systemPrompt: string; messages: ContextMessage[] }
  | Exclude<EngineEvent, { type: 'end' }>
  | { type: 'reply'; round: number; end: EngineEnd; toolCalls: ToolCallRef[]; systemPrompt: string; message: ContextMessage }
  | { type: 'toolStart'; call: ToolCallRef }
  | { type: 'toolProgress'; call: ToolCallRef; text: string }
  | { type: 'toolResult'; call: ToolCallRef; result: ToolResultMessage; message: ContextMessage }
  | { type: 'roundLimit'; rounds: number }

type Running = { controller: AbortController; finished: Promise<void> }

const resultMessage = (result: ToolResultMessage): ContextMessage => ({
  role: 'toolResult',
  text: result.content.map((c) => (c.type === 'text' ? c.text : '')).join(''),
  toolCallId: result.toolCallId,
  toolName: result.toolName,
  isError: result.isError,
})

/**
 * Runs turns on the engine, knowing nothing of the tree: a conversation in, the model's replies and tool rounds
 * out (tools run through the extensions' `toolCall` hooks; `context` hooks rewrite each round's context). Its
 * clients (the conversation tree, the API server, the CLI) decide what to keep. Every running turn can be stopped
 * at once, and `stopAll` waits until each has ended and its client has taken its last event.
 */
export class TurnRunner {
  private readonly running = new Set<Running>()

  constructor(
    private readonly engine: Engine,
    private readonly extensions: Extensions | null,
  ) {}

  get active(): number {
    return this.running.size
  }

  /** Stops every turn (each ends as stopped) and resolves once all have ended. */
  async stopAll(): Promise<void> {
    const all = [...this.running]
    for (const turn of all) turn.controller.abort()
    await Promise.all(all.map((t) => t.finished))
  }

  /**
   * One turn, as events. Rejects before the first event like `Engine.generate` (`NO_MODEL_LOADED`, `ENGINE_BUSY`);
   * a model failure is the `reply`'s `end.reason` `error`, after which the turn ends.
   */
  async *run(request: TurnRequest, signal?: AbortSignal): AsyncGenerator<TurnEvent> {
    const controller = new AbortController()
    const stop = signal ? AbortSignal.any([signal, controller.signal]) : controller.signal
    let finish!: () => void
    const turn: Running = { controller, finished: new Promise<void>((resolve) => (finish = resolve)) }
    this.running.add(turn)
    try {
      let conversation = request.messages
      const maxRounds = request.maxToolRounds ?? 8
      for (let round = 1; ; round++) {
        const client = request.clientTools !== undefined
        const tools = client ? request.clientTools! : request.tools === false ? [] : (this.extensions?.toolDefinitions() ?? [])
        const { systemPrompt, messages } = request.hooks === false ? { systemPrompt: request.systemPrompt, messages: conversation } : await this.contextHooks(request, conversation)
        yield { type: 'round', round, systemPrompt, messages }
        let reply: Extract<TurnEvent, { type: 'reply' }> | null = null
        const generation = { systemPrompt, messages, tools, sampling: request.sampling, priority: request.priority, ...(request.responseFormat ? { responseFormat: request.responseFormat } : {}) }
        for await (const event of this.engine.generate(generation, stop)) {
          if (event.type !== 'end') {
            yield event
            continue
          }
          const toolCalls = toToolCallRefs(event.toolCalls, tools)
          const message: ContextMessage = toolCalls.length ? { role: 'assistant', text: event.text, toolCalls } : { role: 'assistant', text: event.text }
          // Taken while the engine still holds its lease: an unload waits until the client has stored it.
          reply = { type: 'reply', round, end: event, toolCalls, systemPrompt, message }
          yield reply
        }
        // The caller's own tools are the caller's to run.
        if (!reply || reply.toolCalls.length === 0 || reply.end.reason === 'error' || client) return
        const results: ContextMessage[] = []
        for (const call of reply.toolCalls) {
          const event = yield* this.runTool(call, request.callContext(systemPrompt), stop)
          results.push(event.message)
        }
        conversation = [...conversation, reply.message, ...results]
        if (stop.aborted) return
        if (round >= maxRounds) {
          yield { type: 'roundLimit', rounds: round }
          return
        }
      }
    } finally {
      this.running.delete(turn)
      finish()
    }
  }

  /**
   * Runs one call (or answers it as not run after a stop), with its progress as events; every call gets a result
   * so that the stored conversation stays well formed.
   */
  private async *runTool(call: ToolCallRef, ctx: ExtensionCallContext, stop: AbortSignal): AsyncGenerator<TurnEvent, Extract<TurnEvent, { type: 'toolResult' }>> {
    let result: ToolResultMessage
    if (stop.aborted) result = toolNotRun(call)
    else {
      yield { type: 'toolStart', call }
      const progress = new EventChannel<string>()
      const contextSize = this.engine.loaded?.settings.contextSize ?? Infinity
      const maxChars = Math.min(MAX_TOOL_RESULT_CHARS, contextSize * TOOL_RESULT_CHARS_PER_CONTEXT_TOKEN)
      const running = runToolCall(call, this.extensions, ctx, { signal: stop, maxChars, onUpdate: (text) => progress.push(text) }).finally(() => progress.close())
      for await (const text of progress) yield { type: 'toolProgress', call, text }
      result = await running
    }
    const event = { type: 'toolResult' as const, call, result, message: resultMessage(result) }
    yield event
    return event
  }

  /**
   * Extensions' `context` hooks see what is about to be evaluated and may replace it: this is how a user overrides
   * anything. A failing hook is skipped (its extension marked failed).
   */
  private async contextHooks(request: TurnRequest, messages: ContextMessage[]): Promise<{ systemPrompt: string; messages: ContextMessage[] }> {
    if (!this.extensions) return { systemPrompt: request.systemPrompt, messages }
    const { event } = await this.extensions.runContextHooks({ systemPrompt: request.systemPrompt, messages }, request.callContext(request.systemPrompt))
    return { systemPrompt: event.systemPrompt, messages: event.messages }
  }
}
