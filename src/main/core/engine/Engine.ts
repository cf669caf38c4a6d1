import type {
  CompleteRequest,
  EngineEvent,
  EngineInfo,
  GenerateRequest,
  LoadRequestForEngine,
  ModelRef,
  PromptRequest,
} from '../../../shared/engine/engineTypes'
import type { FitReport, FitSettings, LoadedModel, LoadPhase, LoadSettings, LoadState, MemorySample, MemorySplit, ModelFacts } from '../../../shared/types'

export type EngineLoadOptions = {
  /** Aborting cancels the load (`LOAD_CANCELLED`). Defaults to none. */
  signal?: AbortSignal
  /** Measured progress: bytes read, then llama.cpp's build of the model and its context. Defaults to none. */
  onProgress?(progress: { phase: LoadPhase; bytesRead: number; bytesTotal: number }): void
}

/** What `measure` reports: the memory really taken after filling every sequence's KV cache. */
export type MeasuredMemory = MemorySplit & {
  /** Tokens written into the KV cache, over all sequences. */
  filledTokens: number
  fillMs: number
  loadMs: number
}

/**
 * The engine port: everything Arbor asks of a model runtime, in plain data, async and cancellable. `LocalEngine`
 * runs node-llama-cpp in this process; a remote engine speaks to an OpenAI-compatible server. Its clients (the
 * conversation tree, the API server, the CLI) never see what is behind it.
 *
 * Lifecycle: a generation holds a lease on the loaded model; `unload`, `load` of another model and `dispose` stop
 * every generation (each ends as `stopped`), wait until its reader has taken the end, and only then free the model.
 */
export interface Engine {
  /** The load state now (idle, loading with progress, loaded, error). */
  readonly state: LoadState
  /** The loaded model, or null. */
  readonly loaded: LoadedModel | null
  /** Called after every change of `state`; returns the unsubscribe function. */
  onStateChange(listener: (state: LoadState) => void): () => void
  /** The hardware, what this engine can do, and how many generations it runs at once. */
  info(): Promise<EngineInfo>
  /** What a model is, from its header alone. */
  inspect(ref: ModelRef): Promise<ModelFacts>
  /** Memory it takes with these settings, the fit verdict and recommended settings; without loading. */
  estimate(ref: ModelRef, settings?: Partial<FitSettings>): Promise<FitReport>
  /** Replaces the loaded model. Throws `LOAD_IN_PROGRESS`, `MODEL_TOO_LARGE` (unless `override`), `LOAD_CANCELLED`, `LOAD_FAILED`. */
  load(request: LoadRequestForEngine, options?: EngineLoadOptions): Promise<LoadedModel>
  /** Stops every generation, waits for them, frees the model; false when none was loaded. */
  unload(): Promise<boolean>
  /** Token ids of each text with the loaded model (no special tokens). Throws `NO_MODEL_LOADED`. */
  tokenize(texts: readonly string[]): Promise<number[][]>
  /** Token counts of each text, batched. Throws `NO_MODEL_LOADED`. */
  countTokens(texts: readonly string[]): Promise<number[]>
  /** Tokens of the whole prompt the chat template renders (system prompt, messages, tools). Throws `NO_MODEL_LOADED`. */
  promptTokens(request: PromptRequest): Promise<number>
  /**
   * The next assistant message, streamed as events ending with one `end`. Rejects with `NO_MODEL_LOADED` or
   * `ENGINE_BUSY` or `CONTEXT_OVERFLOW` (the prompt leaves no room for an answer) before the first event; anything after that (a failure, a stop) is the `end` event's reason.
   */
  generate(request: GenerateRequest, signal?: AbortSignal): AsyncIterable<EngineEvent>
  /** The prompt text continued without a chat template, as events like `generate` (no tool calls). Same refusals. */
  complete(request: CompleteRequest, signal?: AbortSignal): AsyncIterable<EngineEvent>
  /** Memory in use now. */
  sample(): Promise<MemorySample>
  /** Loads a separate copy, fills its KV cache and measures what it really takes (CLI, benchmark); unloads first. */
  measure(ref: ModelRef, settings: LoadSettings): Promise<MeasuredMemory>
  /** Unloads and refuses use after it. */
  dispose(): Promise<void>
}
