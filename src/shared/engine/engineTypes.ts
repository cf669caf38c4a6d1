import type { ArborError } from '../errors'
import type { ContextMessage } from '../extensions/ExtensionEvents'
import type { ToolForModel } from '../extensions/toolTokenCost'
import type { FitSettings, Hardware, LoadSettings, TurnStats } from '../types'

/**
 * The engine port's data: what goes into an engine and what comes out, plain and serialisable, so that an engine
 * in this process (node-llama-cpp) and one behind HTTP (an OpenAI-compatible server) answer the same shapes.
 */

/**
 * Which model. A local file today; an `http(s)` URL or `hf:` URI of a GGUF, and a model a server offers, are the
 * shapes the Hub and remote-engine work use. An engine answers `MODEL_REF_UNSUPPORTED` for a kind it cannot open.
 */
export type ModelRef =
  | { kind: 'file'; path: string }
  | { kind: 'url'; url: string }
  | { kind: 'remote'; baseUrl: string; model: string }

export const fileRef = (path: string): ModelRef => ({ kind: 'file', path })

/** A readable name for a reference, for messages. */
export const describeRef = (ref: ModelRef): string => (ref.kind === 'file' ? ref.path : ref.kind === 'url' ? ref.url : `${ref.model} at ${ref.baseUrl}`)

export type LoadRequestForEngine = {
  ref: ModelRef
  settings: LoadSettings
  /** Load although the estimate says it does not fit. Defaults to `false`. */
  override?: boolean
}

/** How the next token is chosen. Every field is optional; an engine fills in its defaults. */
export type Sampling = {
  /** 0 is greedy and deterministic. Defaults to `0`. */
  temperature?: number
  /** Defaults to the engine's (off). */
  topP?: number
  /** Defaults to the engine's (off). */
  topK?: number
  /** Defaults to the engine's (off). */
  minP?: number
  /**
   * Penalise tokens seen in the last `lastTokens`: `penalty` divides their odds (1 is off), `presencePenalty` and
   * `frequencyPenalty` subtract (once, and per time seen). Defaults to off.
   */
  repeatPenalty?: { penalty: number; lastTokens?: number; presencePenalty?: number; frequencyPenalty?: number }
  /** Defaults to a random seed. */
  seed?: number
  /** Longest answer in tokens. Defaults to the room left in the context. */
  maxTokens?: number
  /** Texts that end the answer when generated. Defaults to none. */
  stop?: string[]
}

/** Who waits for a generation: a person at the UI goes first; API clients and scripts queue behind. */
export type GenerationPriority = 'interactive' | 'background'

/**
 * The shape the answer must have, enforced while sampling (a grammar): any JSON object, or JSON that matches a
 * schema. Not with `tools`.
 */
export type ResponseFormat = { type: 'json' } | { type: 'jsonSchema'; schema: unknown }

export type GenerateRequest = {
  systemPrompt: string
  /** The conversation, oldest first (tool calls and results included). */
  messages: ContextMessage[]
  /** Tools the model may call; generation stops at the calls. Defaults to none. */
  tools?: ToolForModel[]
  sampling?: Sampling
  /** Defaults to free text. */
  responseFormat?: ResponseFormat
  /** Defaults to `interactive`. */
  priority?: GenerationPriority
}

/** A raw completion: `prompt` continued as it is, no chat template around it (`/v1/completions`). */
export type CompleteRequest = {
  prompt: string
  sampling?: Sampling
  /** Defaults to `interactive`. */
  priority?: GenerationPriority
}

/** The prompt a chat template renders, for counting its tokens. */
export type PromptRequest = { systemPrompt: string; messages: ContextMessage[]; tools?: ToolForModel[] }

/** A tool call the model made, its arguments parsed (and shaped by the tool's schema grammar). */
export type ModelToolCall = { name: string; arguments: unknown }

export type StopReason = TurnStats['stopReason']

/** What a generation reports, in order: maybe `queued`, then `started`, progress and text, and one `end`. */
export type EngineEvent =
  /** Waiting for a free sequence: `ahead` generations go first. */
  | { type: 'queued'; ahead: number }
  /** On a sequence: the prompt's tokens, and how many of them its KV cache already holds. */
  | { type: 'started'; sequence: number; promptTokens: number; reusedTokens: number }
  | { type: 'promptProgress'; evaluated: number; total: number }
  | { type: 'text'; text: string }
  /** Thinking the model does before it answers (a thought segment). */
  | { type: 'reasoning'; text: string }
  | { type: 'toolCall'; call: ModelToolCall }
  /**
   * The last event: why it ended, the whole text and calls, the numbers, and the model that wrote it. `error` when
   * `reason` is `error`.
   */
  | { type: 'end'; reason: StopReason; text: string; reasoning: string; toolCalls: ModelToolCall[]; stats: TurnStats; model: string; error?: ArborError }

export type EngineEnd = Extract<EngineEvent, { type: 'end' }>

/** What an engine can do, so that its clients need not guess. */
export type EngineCapabilities = {
  /** Token counts are the model's own (false: estimated, shown with ≈). */
  exactTokenCounts: boolean
  toolCalls: boolean
  /** A turn reuses the KV cache of the prefix it shares with an earlier one. */
  kvReuse: boolean
  /** Load progress is measured (bytes read), not guessed. */
  loadProgress: boolean
  /** Memory estimates and fit verdicts before loading. */
  memoryEstimates: boolean
}

export type EngineInfo = {
  kind: 'local' | 'remote'
  hardware: Hardware
  capabilities: EngineCapabilities
  /** Generations that run at once with the loaded model (its sequences); 0 while none is loaded. */
  parallel: number
  /** Generations that may wait for a sequence before `ENGINE_BUSY`. */
  queueLimit: number
}

export type { FitSettings, LoadSettings }
