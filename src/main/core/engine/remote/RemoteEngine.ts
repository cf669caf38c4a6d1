import os from 'node:os'
import { performance } from 'node:perf_hooks'
import type { CompleteRequest, EngineEvent, EngineInfo, GenerateRequest, LoadRequestForEngine, ModelRef, ModelToolCall, PromptRequest, StopReason } from '../../../../shared/engine/engineTypes'
import { ArborFailure } from '../../../../shared/errors'
import type { FitReport, LoadedModel, LoadState, MemorySample, ModelFacts } from '../../../../shared/types'
import type { Engine, MeasuredMemory } from '../Engine'
import { readSse, wireMessages, wireSampling, type WireChunk } from './openaiWire'
import { localHardware, remoteFacts, RemoteServer, type RemoteServerOptions } from './RemoteServer'
import { readServerFacts, serverTokenize, type ServerFacts } from './serverFacts'

export type RemoteEngineOptions = RemoteServerOptions & {
  /**
   * How long a generation may go without a byte from the server: before its first token (a long prompt on a slow
   * box) and between tokens. Defaults to 120 s.
   */
  idleTimeoutMs?: number
}


const CHARS_PER_TOKEN = 4
/** The context assumed for a server that does not say its own (the common default of Ollama and LM Studio). */
const ASSUMED_CONTEXT = 4096

/**
 * The engine port over an OpenAI-compatible HTTP server. "Loading" connects: it asks the server for its models (and
 * llama-server for its context and slots) and fails with a coded error when the server is unreachable, refuses the
 * key, or lacks the model. Generations are streamed chat completions with tools and sampling; the whole history is
 * sent each time (the server's prefix cache does the reuse, and its reported cached tokens are the `reused` figure).
 * Token counts come from the server's tokenizer (llama-server's and vLLM's `/tokenize`), else an estimate (four
 * characters a token, marked ≈ by the UI).
 */
export class RemoteEngine implements Engine {
  private loadState: LoadState = { status: 'idle' }
  private readonly listeners = new Set<(state: LoadState) => void>()
  private current: { loaded: LoadedModel; server: ServerFacts } | null = null
  private readonly running = new Set<AbortController>()
  private disposed = false
  readonly baseUrl: string

  private readonly http: RemoteServer

  constructor(private readonly options: RemoteEngineOptions) {
    this.http = new RemoteServer(options)
    this.baseUrl = this.http.baseUrl
  }

  get state(): LoadState {
    return this.loadState
  }

  get loaded(): LoadedModel | null {
    return this.current?.loaded ?? null
  }

  /** What the connected server said about itself; null until connected. */
  get server(): ServerFacts | null {
    return this.current?.server ?? null
  }

  onStateChange(listener: (state: LoadState) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private setState(state: LoadState): void {
    this.loadState = state
    for (const listener of this.listeners) listener(state)
  }

  async info(): Promise<EngineInfo> {
    return {
      kind: 'remote',
      hardware: localHardware(),
      capabilities: { exactTokenCounts: Boolean(this.current?.server.tokenizer), toolCalls: true, kvReuse: true, loadProgress: false, memoryEstimates: false },
      parallel: this.current ? (this.current.server.slots ?? 1) : 0,
      queueLimit: 64,
    }
  }

  inspect(ref: ModelRef): Promise<ModelFacts> {
    return Promise.reject(unsupported(ref))
  }

  estimate(ref: ModelRef): Promise<FitReport> {
    return Promise.reject(unsupported(ref))
  }

  /** Connects to the server and takes its model (the one asked for, else the first it lists). */
  async load(request: LoadRequestForEngine): Promise<LoadedModel> {
    this.refuseDisposed()
    await this.unload()
    const started = performance.now()
    const label = `${this.options.model ?? 'the first model'} at ${this.baseUrl}`
    this.setState({ status: 'loading', path: label, phase: 'initializing', bytesRead: 0, bytesTotal: 0 })
    try {
      const server = await readServerFacts(this.http, this.options.model)
      const serverContext = server.contextSize ?? ASSUMED_CONTEXT
      const contextSize = Math.min(request.settings.contextSize, serverContext) || serverContext
      const warnings = [
        ...(server.contextSize === null ? [`The server does not say its context size; Arbor assumes ${ASSUMED_CONTEXT.toLocaleString('en-US')} tokens.`] : []),
        ...(server.tokenizer ? [] : ['The server cannot count tokens: counts are estimates (≈).']),
      ]
      const loaded: LoadedModel = {
        facts: remoteFacts(server.model, this.baseUrl, contextSize, warnings),
        settings: { ...request.settings, contextSize, sequences: server.slots ?? 1 },
        // The memory is the server's: nothing of it is on this machine.
        estimate: { ramBytes: 0, vramBytes: 0, weights: none(), kvCache: none(), compute: none(), overhead: none() },
        loadMs: performance.now() - started,
        measuredAfterLoad: { ramBytes: 0, vramBytes: 0 },
      }
      this.current = { loaded, server }
      this.setState({ status: 'loaded', model: loaded })
      return loaded
    } catch (error) {
      const failure = ArborFailure.wrap(error, 'ENGINE_UNREACHABLE')
      this.setState({ status: 'error', path: label, error: failure.toError() })
      throw failure
    }
  }

  async unload(): Promise<boolean> {
    for (const controller of this.running) controller.abort()
    const had = this.current !== null
    this.current = null
    if (had) this.setState({ status: 'idle' })
    return had
  }

  async tokenize(texts: readonly string[]): Promise<number[][]> {
    const server = this.need().server
    if (!server.tokenizer) return texts.map((t) => Array.from({ length: estimateTokens(t) }, () => 0))
    // One at a time: a session's worth of texts must not become as many requests at once.
    const out: number[][] = []
    for (const content of texts) out.push(await serverTokenize(this.http, server, content))
    return out
  }

  async countTokens(texts: readonly string[]): Promise<number[]> {
    if (!this.need().server.tokenizer) return texts.map(estimateTokens)
    return (await this.tokenize(texts)).map((t) => t.length)
  }

  async promptTokens(request: PromptRequest): Promise<number> {
    this.need()
    // The server's template is its own: the messages' own tokens (one request for all) plus a few per message.
    const calls = request.messages.flatMap((m) => m.toolCalls ?? []).map((c) => JSON.stringify(c.arguments ?? {}))
    const text = [request.systemPrompt, ...request.messages.map((m) => m.text), ...calls, ...(request.tools ?? []).map((t) => JSON.stringify(t))].join('\n')
    const [count = 0] = await this.countTokens([text])
    return count + 4 * (request.messages.length + 1)
  }

  generate(request: GenerateRequest, signal?: AbortSignal): AsyncIterable<EngineEvent> {
    const body = {
      messages: wireMessages(request),
      ...(request.tools?.length ? { tools: request.tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } })) } : {}),
      ...(request.responseFormat?.type === 'json' ? { response_format: { type: 'json_object' } } : {}),
      ...(request.responseFormat?.type === 'jsonSchema' ? { response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: request.responseFormat.schema } } } : {}),
      ...wireSampling(request.sampling),
    }
    return this.stream('/v1/chat/completions', body, signal)
  }

  complete(request: CompleteRequest, signal?: AbortSignal): AsyncIterable<EngineEvent> {
    return this.stream('/v1/completions', { prompt: request.prompt, ...wireSampling(request.sampling) }, signal)
  }

  async sample(): Promise<MemorySample> {
    return { at: Date.now(), rssBytes: process.memoryUsage.rss(), ramFreeBytes: os.freemem(), vramUsedBytes: 0, vramTotalBytes: 0 }
  }

  measure(ref: ModelRef): Promise<MeasuredMemory> {
    return Promise.reject(unsupported(ref))
  }

  async dispose(): Promise<void> {
    await this.unload()
    this.disposed = true
  }

  private refuseDisposed(): void {
    if (this.disposed) throw new ArborFailure('NO_MODEL_LOADED', 'This engine was closed.')
  }

  private need(): { loaded: LoadedModel; server: ServerFacts } {
    if (!this.current) throw new ArborFailure('NO_MODEL_LOADED', `Not connected to ${this.baseUrl}: connect first.`)
    return this.current
  }

  /** A streamed completion as engine events; a failure after the start is the `end` event's reason. */
  private async *stream(path: string, body: Record<string, unknown>, outer?: AbortSignal): AsyncGenerator<EngineEvent> {
    const { loaded, server } = this.need()
    const controller = new AbortController()
    const signal = outer ? AbortSignal.any([outer, controller.signal]) : controller.signal
    const idleMs = this.options.idleTimeoutMs ?? 120_000
    const started = performance.now()
    let text = ''
    let reasoning = ''
    let firstAt = 0
    let generated = 0
    let reason: StopReason = 'eos'
    let usage: WireChunk['usage']
    let timings: WireChunk['timings']
    const calls = new Map<number, { name: string; args: string }>()
    let failure: ArborFailure | undefined
    this.running.add(controller)
    try {
      yield { type: 'started', sequence: 0, promptTokens: 0, reusedTokens: 0 }
      // Servers that hold their headers until the first token (llama-server, Arbor): the wait is the idle limit.
      const response = await this.http.fetch(path, { method: 'POST', body: JSON.stringify({ model: server.model, stream: true, stream_options: { include_usage: true }, ...body }) }, idleMs, signal)
      for await (const chunk of readSse(response.body!, signal, idleMs)) {
        if (chunk.error) throw new ArborFailure('GENERATION_FAILED', `${this.baseUrl}: ${chunk.error.message ?? 'error'}`)
        usage = chunk.usage ?? usage
        timings = chunk.timings ?? timings
        for (const choice of chunk.choices ?? []) {
          const piece = choice.delta?.content ?? choice.text ?? ''
          const thought = choice.delta?.reasoning_content ?? ''
          if ((piece || thought) && !firstAt) firstAt = performance.now()
          if (thought) {
            reasoning += thought
            generated++
            yield { type: 'reasoning', text: thought }
          }
          if (piece) {
            text += piece
            generated++
            yield { type: 'text', text: piece }
          }
          for (const call of choice.delta?.tool_calls ?? []) {
            const slot = calls.get(call.index ?? 0) ?? { name: '', args: '' }
            // Some servers repeat the name in every delta: it is taken once.
            if (!slot.name) slot.name = call.function?.name ?? ''
            slot.args += call.function?.arguments ?? ''
            calls.set(call.index ?? 0, slot)
          }
          if (choice.finish_reason === 'length') reason = 'maxTokens'
          else if (choice.finish_reason === 'tool_calls') reason = 'toolUse'
        }
      }
      if (signal.aborted) reason = 'stopped'
    } catch (error) {
      if (signal.aborted) reason = 'stopped'
      else {
        reason = 'error'
        failure = ArborFailure.wrap(error, 'GENERATION_FAILED', `${this.baseUrl} broke off the answer: `)
      }
    } finally {
      this.running.delete(controller)
      // Left before the end (a reader that stopped reading): the request is ended, not left generating.
      controller.abort()
    }
    const toolCalls: ModelToolCall[] = [...calls.values()].map((c) => ({ name: c.name, arguments: parseArguments(c.args) }))
    if (toolCalls.length && reason === 'eos') reason = 'toolUse'
    // llama-server's timings: `prompt_n` evaluated, `cache_n` reused.
    const promptTokens = usage?.prompt_tokens ?? (timings ? (timings.prompt_n ?? 0) + (timings.cache_n ?? 0) : 0)
    const reused = usage?.prompt_tokens_details?.cached_tokens ?? timings?.cache_n ?? 0
    const totalMs = performance.now() - started
    const genSeconds = firstAt ? (performance.now() - firstAt) / 1000 : 0
    const completion = usage?.completion_tokens ?? generated
    yield {
      type: 'end',
      reason,
      text,
      reasoning,
      toolCalls,
      model: server.model,
      stats: {
        promptTokens,
        reusedTokens: Math.min(reused, promptTokens),
        evaluatedTokens: Math.max(0, promptTokens - reused),
        contextSize: loaded.settings.contextSize,
        generatedTokens: completion,
        timeToFirstTokenMs: firstAt ? firstAt - started : totalMs,
        tokensPerSecond: genSeconds > 0 && completion > 1 ? (completion - 1) / genSeconds : 0,
        totalMs,
        stopReason: reason,
        threads: 0,
      },
      ...(failure ? { error: failure.toError() } : {}),
    }
  }
}

const none = () => ({ ramBytes: 0, vramBytes: 0 })

const estimateTokens = (text: string): number => Math.ceil(text.length / CHARS_PER_TOKEN)

const parseArguments = (text: string): unknown => {
  try {
    return text ? JSON.parse(text) : {}
  } catch {
    return { _raw: text }
  }
}

const unsupported = (ref: ModelRef) =>
  new ArborFailure('MODEL_REF_UNSUPPORTED', `A remote engine runs the model its server has; it does not open ${ref.kind === 'file' ? ref.path : ref.kind === 'url' ? ref.url : ref.model} itself.`)
