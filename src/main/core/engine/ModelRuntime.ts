import { basename } from 'node:path'
import { performance } from 'node:perf_hooks'
import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import { LlamaChat, type Llama, type LlamaContext, type LlamaGrammar, type LlamaModel, type Token } from 'node-llama-cpp'
import { maxPromptTokens, overflowMessage } from '../../../shared/contextBudget'
import { ArborFailure } from '../../../shared/errors'
import type { CompleteRequest, EngineEvent, GenerateRequest, PromptRequest, ResponseFormat } from '../../../shared/engine/engineTypes'
import type { LoadPhase, LoadSettings } from '../../../shared/types'
import { contextOptions } from './estimateMemory'
import { completeOnSlot } from './completeOnSlot'
import { generateOnSlot } from './generateOnSlot'
import { llamaErrorsSince } from './getArborLlama'
import { Leases } from './Leases'
import { readFileWithProgress } from './readFileWithProgress'
import { SequenceScheduler, type Assignment, type Slot } from './SequenceScheduler'
import { renderPrompt, toFunctions } from './renderPrompt'

export type LoadOptions = {
  signal: AbortSignal
  onProgress(phase: LoadPhase, bytesRead: number, bytesTotal: number): void
}

/** Generations that may wait for a sequence before `ENGINE_BUSY`. */
export const DEFAULT_QUEUE_LIMIT = 16

/** Characters tokenized between two yields to the event loop: a long history must not stall other requests. */
const TOKENIZE_CHUNK_CHARS = 64 * 1024

const cancelled = () => new ArborFailure('LOAD_CANCELLED', 'The load was cancelled.')

/**
 * A loaded model with one context of `sequences` sequences. Holds native memory: `close()` stops every holder of a
 * lease (generations, counts), waits for them, then frees it; refuses use after that.
 */
export class ModelRuntime {
  private readonly leases = new Leases()
  private readonly scheduler: SequenceScheduler

  private constructor(
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly slots: Slot[],
    readonly settings: LoadSettings,
    /** The model file's name, recorded in each assistant message. */
    readonly modelName: string,
    queueLimit: number,
  ) {
    this.scheduler = new SequenceScheduler(slots, queueLimit)
  }

  static async load(llama: Llama, path: string, settings: LoadSettings, options: LoadOptions, queueLimit = DEFAULT_QUEUE_LIMIT): Promise<ModelRuntime> {
    const { signal, onProgress } = options
    const size = await readFileWithProgress(path, (read, total) => onProgress('reading', read, total), signal)
    if (signal.aborted) throw cancelled()
    onProgress('initializing', size, size)
    let model: LlamaModel
    const since = performance.now()
    /** What llama.cpp logged about it: the reason its exceptions leave out. */
    const said = () => {
      const lines = llamaErrorsSince(since)
      return lines.length ? ` (llama.cpp: ${lines.slice(-3).join(' ')})` : ''
    }
    try {
      // Arbor checks the fit itself, with the user's chosen settings and override.
      model = await llama.loadModel({ modelPath: path, gpuLayers: settings.gpuLayers, loadSignal: signal, ignoreMemorySafetyChecks: true })
    } catch (error) {
      if (signal.aborted) throw cancelled()
      throw new ArborFailure('LOAD_FAILED', `llama.cpp could not load the model: ${(error as Error)?.message ?? String(error)}${said()}`)
    }
    try {
      if (signal.aborted) throw cancelled()
      onProgress('context', size, size)
      const context = await model.createContext({ ...contextOptions(settings), createSignal: signal })
      const slots = Array.from({ length: settings.sequences }, (_, index): Slot => {
        const sequence = context.getSequence()
        return { index, sequence, chat: new LlamaChat({ contextSequence: sequence }), lastUsed: 0, busy: false }
      })
      return new ModelRuntime(model, context, slots, settings, basename(path), queueLimit)
    } catch (error) {
      await model.dispose()
      if (signal.aborted || error instanceof ArborFailure) throw signal.aborted ? cancelled() : error
      throw new ArborFailure('LOAD_FAILED', `Could not create a context: ${(error as Error)?.message ?? String(error)}${said()}`)
    }
  }

  get running(): number {
    return this.scheduler.running
  }

  get queueLimit(): number {
    return this.scheduler.queueLimit
  }

  /** Grammars made for response formats, by their JSON: a client sends the same schema with every request. */
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>()

  /** The grammar that makes the answer take this shape. Throws `BAD_REQUEST` for a schema llama.cpp's grammars cannot express. */
  private async grammarFor(format: ResponseFormat): Promise<LlamaGrammar> {
    const key = JSON.stringify(format)
    let grammar = this.grammars.get(key)
    if (!grammar) {
      const llama = this.model.llama
      grammar = format.type === 'json' ? llama.getGrammarFor('json') : llama.createGrammarForJsonSchema(format.schema as never)
      this.grammars.set(key, grammar)
      if (this.grammars.size > 32) this.grammars.delete(this.grammars.keys().next().value!)
    }
    try {
      return await grammar
    } catch (error) {
      this.grammars.delete(key)
      throw new ArborFailure('BAD_REQUEST', `This JSON schema cannot be turned into a grammar: ${(error as Error)?.message ?? String(error)}`, { field: 'response_format' })
    }
  }

  /** Runs `work` under a lease: the model is not freed while it runs. */
  private async leased<T>(work: () => T | Promise<T>): Promise<T> {
    const lease = this.leases.take()
    try {
      return await work()
    } finally {
      lease.release()
    }
  }

  /** Token ids of each text (no special tokens), yielding to the event loop between chunks. */
  tokenize(texts: readonly string[]): Promise<Token[][]> {
    return this.leased(async () => {
      const out: Token[][] = []
      let since = 0
      for (const text of texts) {
        out.push(this.model.tokenize(text, false))
        since += text.length
        if (since >= TOKENIZE_CHUNK_CHARS) {
          since = 0
          await yieldToEventLoop()
        }
      }
      return out
    })
  }

  /** Tokens of the prompt the chat template renders for a system prompt, the messages and the tools offered. */
  promptTokens(request: PromptRequest): Promise<number> {
    return this.leased(() => this.render(request).tokens.length)
  }

  private render(request: PromptRequest) {
    return renderPrompt(this.slots[0]!.chat.chatWrapper, this.model.tokenizer, request.systemPrompt, request.messages, toFunctions(request.tools ?? []))
  }

  /**
   * The next assistant message for the conversation, as events (see `EngineEvent`), on the sequence sharing the
   * longest prefix with its prompt; it waits in the queue when every sequence is busy. Holds a lease until the
   * reader has taken the `end` event (or stopped reading), so `close()` waits until the answer is stored.
   * Throws `NO_MODEL_LOADED` (closing), `ENGINE_BUSY` (queue full) or `CONTEXT_OVERFLOW` (a prompt that leaves no room
   * for an answer) before the first event.
   */
  async *generate(request: GenerateRequest, signal?: AbortSignal): AsyncGenerator<EngineEvent> {
    const started = performance.now()
    yield* this.onSequence(signal, started, request.priority, async () => {
      const functions = toFunctions(request.tools ?? [])
      if (functions && request.responseFormat) throw new ArborFailure('BAD_REQUEST', 'A response format cannot be combined with tools here: send one or the other.', { field: 'response_format' })
      const grammar = request.responseFormat ? await this.grammarFor(request.responseFormat) : undefined
      const { chatHistory, tokens: prompt } = this.render(request)
      return {
        prompt,
        work: (slot, lease) => generateOnSlot(slot, { request, chatHistory, prompt, functions, grammar, signal: lease, started, threads: this.context.currentThreads, modelName: this.modelName }),
      }
    })
  }

  /** A raw completion of `request.prompt` (no chat template), scheduled like `generate`. */
  async *complete(request: CompleteRequest, signal?: AbortSignal): AsyncGenerator<EngineEvent> {
    const started = performance.now()
    yield* this.onSequence(signal, started, request.priority, async () => {
      // A raw prompt writes its own template: its special tokens (`<|im_start|>`) are tokens, as llama-server reads them.
      // One far past any context is refused before it is tokenized (that would hold the process).
      const contextSize = this.slots[0]!.sequence.contextSize
      if (request.prompt.length > 32 * contextSize) {
        const estimate = Math.ceil(request.prompt.length / 4)
        throw new ArborFailure('CONTEXT_OVERFLOW', overflowMessage(estimate, contextSize), { promptTokens: estimate, maxPromptTokens: maxPromptTokens(contextSize), contextSize })
      }
      const text = this.model.tokenize(request.prompt, true)
      const bos = this.model.tokens.bos
      const prompt = bos !== null && this.model.tokens.shouldPrependBosToken ? [bos, ...text] : text
      return {
        prompt,
        work: (slot, lease) => completeOnSlot(slot, { prompt, text, sampling: request.sampling ?? {}, signal: lease, started, threads: this.context.currentThreads, modelName: this.modelName }),
      }
    })
  }

  /**
   * Under a lease (held until the reader has taken the `end` event or stopped reading, so `close()` waits until the
   * answer is stored): `prepare` renders the prompt, then its `work` runs on the sequence sharing the longest prefix
   * with it, after waiting in the queue when every sequence is busy. Throws what `prepare` throws,
   * `CONTEXT_OVERFLOW` (a prompt that leaves no room for an answer) or `ENGINE_BUSY` (queue full) before the first
   * event.
   */
  private async *onSequence(
    signal: AbortSignal | undefined,
    started: number,
    priority: GenerateRequest['priority'],
    prepare: () => Promise<{ prompt: readonly Token[]; work: (slot: Slot, lease: AbortSignal) => AsyncGenerator<EngineEvent> }>,
  ): AsyncGenerator<EngineEvent> {
    const lease = this.leases.take(signal)
    // A reader that stops while this waits in the queue takes it out of the queue.
    const waiting = new AbortController()
    let assignment: Promise<Assignment> | null = null
    let assigned: Assignment | null = null
    try {
      const { prompt, work } = await prepare()
      // Never evaluate more than fits: llama.cpp would slide its window and forget the start without a word.
      const contextSize = this.slots[0]!.sequence.contextSize
      if (prompt.length > maxPromptTokens(contextSize)) {
        throw new ArborFailure('CONTEXT_OVERFLOW', overflowMessage(prompt.length, contextSize), { promptTokens: prompt.length, maxPromptTokens: maxPromptTokens(contextSize), contextSize })
      }
      const queued = this.scheduler.request(prompt, priority ?? 'interactive', AbortSignal.any([lease.signal, waiting.signal]))
      assignment = queued.assignment
      if (!queued.immediate) yield { type: 'queued', ahead: queued.ahead }
      assigned = await assignment.catch((error: unknown) => {
        if (lease.signal.aborted) return null
        throw error
      })
      if (!assigned) {
        yield stoppedBeforeStart(prompt.length, this.context.currentThreads, this.modelName, started)
        return
      }
      await this.scheduler.prepare(assigned)
      yield* work(assigned.slot, lease.signal)
    } finally {
      if (assigned) this.scheduler.release(assigned.slot)
      else if (assignment) {
        // Left before its turn came: out of the queue, or, had the turn just come, the sequence given back.
        waiting.abort()
        void assignment.then((a) => this.scheduler.unassign(a), () => undefined)
      }
      lease.release()
    }
  }

  /**
   * Stops every generation and count (each ends as stopped), waits until their readers let go, then frees the
   * context and the model. Safe to call twice.
   */
  async close(): Promise<void> {
    if (!(await this.leases.close())) {
      // Something still runs on it after the wait: freeing the memory under it could crash the process.
      console.error(`Arbor: ${this.modelName} is still in use ${this.leases.count} time(s) after the wait; its memory is not freed.`)
      return
    }
    for (const slot of this.slots) slot.chat.dispose()
    await this.context.dispose()
    await this.model.dispose()
  }
}

/** The end of a generation stopped while it waited for a sequence: nothing was evaluated. */
function stoppedBeforeStart(promptTokens: number, threads: number, modelName: string, started: number): EngineEvent {
  const totalMs = performance.now() - started
  return {
    type: 'end',
    reason: 'stopped',
    text: '',
    reasoning: '',
    toolCalls: [],
    model: modelName,
    stats: { promptTokens, reusedTokens: 0, evaluatedTokens: 0, contextSize: 0, generatedTokens: 0, timeToFirstTokenMs: totalMs, tokensPerSecond: 0, totalMs, stopReason: 'stopped', threads },
  }
}
