import { basename } from 'node:path'
import { performance } from 'node:perf_hooks'
import { LlamaChat, type ChatModelFunctions, type Llama, type LlamaContext, type LlamaModel } from 'node-llama-cpp'
import { ArborFailure } from '../../../shared/errors'
import type { ContextMessage } from '../../../shared/extensions/ExtensionEvents'
import type { ToolForModel } from '../../../shared/extensions/toolTokenCost'
import type { LoadPhase, LoadSettings, TurnStats } from '../../../shared/types'
import { contextOptions } from './estimateMemory'
import { readFileWithProgress } from './readFileWithProgress'
import { commonPrefixLength, pickSlot, type Slot } from './SequenceSlots'
import { renderPrompt, toFunctions, toolPromptTokens } from './toolPromptTokens'

export type LoadOptions = {
  signal: AbortSignal
  onProgress(phase: LoadPhase, bytesRead: number, bytesTotal: number): void
}

export type TurnMessage = ContextMessage

/** A tool call the model made, its arguments parsed (and shaped by the tool's schema grammar). */
export type ModelToolCall = { name: string; arguments: unknown }

export type GenerateOptions = {
  signal: AbortSignal
  onText(text: string): void
  /** 0 is greedy and deterministic. Defaults to `0`. */
  temperature?: number
  seed?: number
  /** Defaults to the room left in the context. */
  maxTokens?: number
  /** Tools the model may call (node-llama-cpp function calling); generation stops at the calls. Defaults to none. */
  tools?: readonly ToolForModel[]
}

const cancelled = () => new ArborFailure('LOAD_CANCELLED', 'The load was cancelled.')

/** A loaded model with one context. Holds native memory: call `dispose()`; refuses use after it. */
export class ModelRuntime {
  private disposed = false
  private turns = 0

  private constructor(
    readonly model: LlamaModel,
    readonly context: LlamaContext,
    private readonly slots: Slot[],
    readonly settings: LoadSettings,
    /** The model file's name, recorded in each assistant message. */
    readonly modelName: string,
  ) {}

  static async load(llama: Llama, path: string, settings: LoadSettings, options: LoadOptions): Promise<ModelRuntime> {
    const { signal, onProgress } = options
    const size = await readFileWithProgress(path, (read, total) => onProgress('reading', read, total), signal)
    if (signal.aborted) throw cancelled()
    onProgress('initializing', size, size)
    let model: LlamaModel
    try {
      model = await llama.loadModel({
        modelPath: path,
        gpuLayers: settings.gpuLayers,
        loadSignal: signal,
        // Arbor checks the fit itself, with the user's chosen settings and override.
        ignoreMemorySafetyChecks: true,
      })
    } catch (error) {
      if (signal.aborted) throw cancelled()
      throw new ArborFailure('LOAD_FAILED', `llama.cpp could not load the model: ${(error as Error)?.message ?? String(error)}`)
    }
    try {
      if (signal.aborted) throw cancelled()
      onProgress('context', size, size)
      const context = await model.createContext({ ...contextOptions(settings), createSignal: signal })
      // Every sequence holds one branch warm; a turn picks the one sharing the longest prefix.
      const slots = Array.from({ length: settings.sequences }, () => {
        const sequence = context.getSequence()
        return { sequence, chat: new LlamaChat({ contextSequence: sequence }), lastUsed: 0 }
      })
      return new ModelRuntime(model, context, slots, settings, basename(path))
    } catch (error) {
      await model.dispose()
      if (signal.aborted || error instanceof ArborFailure) throw signal.aborted ? cancelled() : error
      throw new ArborFailure('LOAD_FAILED', `Could not create a context: ${(error as Error)?.message ?? String(error)}`)
    }
  }

  private assertUsable() {
    if (this.disposed) throw new ArborFailure('NO_MODEL_LOADED', 'The model was unloaded.')
  }

  countTokens(text: string): number {
    this.assertUsable()
    return this.model.tokenize(text, false).length
  }

  /** Tokens of the prompt the chat template builds for a system prompt, a path and the tools offered. */
  promptTokens(systemPrompt: string, path: readonly ContextMessage[], tools: readonly ToolForModel[] = []): number {
    this.assertUsable()
    return this.renderPrompt(systemPrompt, path, toFunctions(tools)).tokens.length
  }

  private renderPrompt(systemPrompt: string, path: readonly ContextMessage[], functions: ChatModelFunctions | undefined) {
    return renderPrompt(this.slots[0]!.chat.chatWrapper, this.model.tokenizer, systemPrompt, path, functions)
  }

  /** How many tokens offering `tools` adds to every prompt with this model's chat template. */
  toolPromptTokens(tools: readonly ToolForModel[]): number {
    this.assertUsable()
    return toolPromptTokens(this.slots[0]!.chat.chatWrapper, this.model.tokenizer, tools)
  }

  /**
   * Generates the next assistant message for the path, re-using the KV cache of the common prefix. With
   * `tools`, the model may call them: generation stops at the calls, which are returned parsed; the caller runs
   * them and generates again with their results on the path (the model then goes on after them).
   */
  async generate(systemPrompt: string, path: readonly ContextMessage[], options: GenerateOptions): Promise<{ text: string; toolCalls: ModelToolCall[]; stats: TurnStats }> {
    this.assertUsable()
    const started = performance.now()
    const functions = toFunctions(options.tools ?? [])
    const { chatHistory: history, tokens: prompt } = this.renderPrompt(systemPrompt, path, functions)
    const { slot } = await pickSlot(this.slots, prompt)
    slot.lastUsed = ++this.turns
    const { sequence, chat } = slot
    const tokensBefore = sequence.contextTokens.slice()
    const meterBefore = sequence.tokenMeter.getState()
    let firstTokenAt: number | null = null
    let generatedTokens = 0
    const response = await chat.generateResponse(history, {
      ...(functions ? { functions, documentFunctionParams: true } : {}),
      signal: options.signal,
      stopOnAbortSignal: true,
      temperature: options.temperature ?? 0,
      seed: options.seed,
      // Never past the context: a model that does not stop would slide its window forever. LlamaChat
      // starts shifting the window when less than a tenth of the context is free, so stop before that.
      maxTokens: options.maxTokens ?? Math.max(1, sequence.contextSize - prompt.length - Math.ceil(sequence.contextSize / 10) - 1),
      onToken: (tokens) => {
        firstTokenAt ??= performance.now()
        generatedTokens += tokens.length
      },
      onTextChunk: (text) => options.onText(text),
    })
    const ended = performance.now()
    // What the prompt cost: tokens already in the sequence's KV cache were kept, the rest evaluated
    // (at least the last one, whose logits start the answer). The token meter is the measurement; it
    // counts the last prompt token with the generation, so the prefix arithmetic is its floor.
    const meter = sequence.tokenMeter.diff(meterBefore)
    const measured = meter.usedInputTokens
    // A function call's tokens never reach onToken; the meter counts every generated token.
    generatedTokens = Math.max(generatedTokens, meter.usedOutputTokens)
    const cachedPrefix = Math.min(commonPrefixLength(tokensBefore, prompt), Math.max(0, prompt.length - 1))
    const evaluatedTokens = Math.min(prompt.length, Math.max(prompt.length - cachedPrefix, measured))
    const reusedTokens = prompt.length - evaluatedTokens
    const genMs = firstTokenAt === null ? 0 : ended - firstTokenAt
    const stopReason = response.metadata.stopReason
    const stats: TurnStats = {
      promptTokens: prompt.length,
      reusedTokens,
      evaluatedTokens,
      contextSize: sequence.contextSize,
      generatedTokens,
      timeToFirstTokenMs: (firstTokenAt ?? ended) - started,
      tokensPerSecond: generatedTokens > 1 && genMs > 0 ? ((generatedTokens - 1) * 1000) / genMs : 0,
      totalMs: ended - started,
      stopReason: stopReason === 'abort' ? 'stopped' : stopReason === 'maxTokens' ? 'maxTokens' : stopReason === 'functionCalls' ? 'toolUse' : 'eos',
      threads: this.context.currentThreads,
    }
    const toolCalls = (response.functionCalls ?? []).map((call) => ({ name: call.functionName, arguments: call.params as unknown }))
    return { text: response.response, toolCalls, stats }
  }

  async dispose(): Promise<void> {
    if (this.disposed) return
    this.disposed = true
    for (const slot of this.slots) slot.chat.dispose()
    await this.context.dispose()
    await this.model.dispose()
  }
}
