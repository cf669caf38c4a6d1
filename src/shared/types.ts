import type { ApiRequestLog, ApiServerStatus } from './apiServer'
import type { AppSettings } from './appSettings'
import type { UsedSampling } from './sampling'
import type { TreeNode } from './treeView'
import type { ArborError } from './errors'
import type { SessionSummary, SessionView } from './treeView'

/** What Arbor knows about a model file from its header alone (no load). */
export type ModelFacts = {
  path: string
  fileName: string
  fileBytes: number
  architecture: string
  name: string | null
  parameters: number
  /** The dominant tensor type, e.g. `Q8_0`, `F16`. */
  fileType: string
  /** File bytes of the tensors × 8 / parameters. */
  bitsPerWeight: number
  layers: number
  embeddingSize: number
  headCount: number
  headCountKv: number
  vocabSize: number
  trainContextSize: number
  hasChatTemplate: boolean
  tensorCount: number
  /** Warnings from node-llama-cpp about the file (empty when none). */
  warnings: string[]
  /** How long the header read took. */
  inspectMs: number
}

export type GpuBackend = 'cuda' | 'vulkan' | 'metal' | false

export type Hardware = {
  gpu: {
    backend: GpuBackend
    names: string[]
    vramTotalBytes: number
    vramFreeBytes: number
  }
  ramTotalBytes: number
  /** `MemAvailable` on Linux: what a new allocation can really get. */
  ramFreeBytes: number
  physicalCores: number
  logicalCores: number
  /** One thread per physical core: the most Arbor uses. The choice for a model is `FitReport.recommendedThreads`. */
  defaultThreads: number
  cpuModel: string
}

export const kvCacheTypes = ['F16', 'Q8_0', 'F32'] as const
export type KvCacheType = (typeof kvCacheTypes)[number]

/** The settings that decide memory use. */
export type FitSettings = {
  contextSize: number
  /** Concurrent sequences ("agents"); each holds its own KV cache. */
  sequences: number
  gpuLayers: number
  kvCacheType: KvCacheType
}

export type MemorySplit = { ramBytes: number; vramBytes: number }

export type MemoryEstimate = MemorySplit & {
  weights: MemorySplit
  kvCache: MemorySplit
  /** Compute buffers and graph scratch memory of the context. */
  compute: MemorySplit
  /** What the runtime takes besides weights and context (measured per process and context). */
  overhead: MemorySplit
}

export const fitVerdicts = ['gpu', 'partial', 'ram', 'none'] as const
export type FitVerdict = (typeof fitVerdicts)[number]

export type Fit = {
  verdict: FitVerdict
  /** A sentence a person can read. */
  summary: string
  ramAvailableBytes: number
  vramAvailableBytes: number
}

export type Napkin = {
  /** parameters × bytes per parameter × 1.4 */
  bytes: number
  bytesPerParameter: number
  /** (napkin − estimate) / estimate */
  errorVsEstimate: number
  explanation: string
}

export type FitReport = {
  path: string
  settings: FitSettings
  estimate: MemoryEstimate
  fit: Fit
  napkin: Napkin
  /** Most GPU layers, then the largest context that fits the chosen sequences. Null when nothing fits. */
  recommended: FitSettings | null
  /** Largest GPU layer count the model has (layers + 1 for the output layer). */
  maxGpuLayers: number
  /** Threads Arbor would use for this model on this machine (see `chooseThreads`). */
  recommendedThreads: number
  estimateMs: number
}

export type LoadSettings = FitSettings & {
  threads: number
}

export type LoadRequest = {
  path: string
  settings: LoadSettings
  /** Load although the estimate says it does not fit. Defaults to `false`. */
  override?: boolean
}

export type LoadPhase = 'reading' | 'initializing' | 'context'

export type LoadState =
  | { status: 'idle' }
  | { status: 'loading'; path: string; phase: LoadPhase; bytesRead: number; bytesTotal: number }
  | { status: 'loaded'; model: LoadedModel }
  | { status: 'error'; path: string; error: ArborError }

export type LoadedModel = {
  facts: ModelFacts
  settings: LoadSettings
  estimate: MemoryEstimate
  loadMs: number
  /** Resident memory growth and VRAM growth caused by the load, measured right after it. */
  measuredAfterLoad: MemorySplit
}

export type MemorySample = {
  at: number
  rssBytes: number
  ramFreeBytes: number
  vramUsedBytes: number
  vramTotalBytes: number
}

export type ModelEntry = {
  path: string
  fileName: string
  fileBytes: number
  modifiedAt: number
  isDemo: boolean
  /** When it was last loaded (ms since 1970); null: never, as far as this models folder remembers. */
  lastUsedAt: number | null
  /** The settings it was last loaded with, which the fit controls take when it is picked; null: none yet. */
  settings: LoadSettings | null
}

/** What the model library shows of a file beside its name and size. */
export type ModelDescription = {
  path: string
  architecture: string
  parameters: number
  /** The dominant tensor type (the quantization), e.g. `Q4_K`, `Q8_0`. */
  fileType: string
  /** The fit verdict with `settings`: the model's last load settings, else the recommended ones. */
  verdict: FitVerdict
  settings: FitSettings
}

export type TurnStats = {
  /** Tokens of the whole prompt (system prompt + history + new message) = reused + evaluated. */
  promptTokens: number
  /** Prompt tokens kept in the KV cache from the previous turn, not evaluated again. */
  reusedTokens: number
  /** Prompt tokens actually evaluated this turn. */
  evaluatedTokens: number
  /** The context size of the sequence, for "tokens used of the context". */
  contextSize: number
  generatedTokens: number
  timeToFirstTokenMs: number
  tokensPerSecond: number
  totalMs: number
  /** `toolUse`: the model called tools; their results follow as `toolResult` nodes and the answer goes on. */
  stopReason: 'eos' | 'maxTokens' | 'stopped' | 'error' | 'toolUse'
  threads: number
  /** How its tokens were chosen, seed included: the same settings and seed give the same answer. */
  sampling?: UsedSampling
  /** Messages left out of the middle of the context so that the prompt fitted (the session's overflow policy). */
  droppedMessages?: number
}

export type AppSnapshot = {
  version: string
  hardware: Hardware
  modelsFolder: string
  models: ModelEntry[]
  load: LoadState
  /** The open session (a conversation tree). */
  session: SessionView
  sessions: SessionSummary[]
  sessionsFolder: string
  generating: boolean
  /** The answer being written now, if any: its pending node and the text so far (a reload picks the stream up). */
  streaming?: { node: TreeNode; text: string; reasoning?: string; prompt?: { evaluated: number; total: number } }
  /** How the app is running, so the UI can adapt (file dialogs, uploads). */
  transport: 'electron' | 'headless'
  /** A problem with the file of the user's extension choices (they may not hold); null when there is none. */
  extensionsWarning: string | null
  /** The app settings, and a problem with their file (they may not hold); null when there is none. */
  settings: AppSettings
  settingsWarning: string | null
  /** The OpenAI-compatible server and the requests it answered lately. */
  server: { status: ApiServerStatus & { error: string | null }; log: ApiRequestLog[] }
  /** The server used as the engine ("Connect to a server…"), or the last one; null when none was ever used. */
  remote: RemoteEngineView | null
}

/** A model a server runs (the engine is connected to it), not a file on this machine. */
export const isServedModel = (model: Pick<LoadedModel, 'facts'>): boolean => model.facts.architecture === 'remote'

export const REMOTE_SERVER_KINDS = ['llama-server', 'vllm', 'ollama', 'lmstudio', 'arbor', 'openai'] as const
export type RemoteServerKind = (typeof REMOTE_SERVER_KINDS)[number]

/** A server used as the engine, as the UI shows it (never its key). */
export type RemoteEngineView = {
  baseUrl: string
  /** The model asked for, or the one it serves; null: the first it lists. */
  model: string | null
  /** The engine is this server now (connected, or connecting, or failed to). */
  inUse: boolean
  /** A key is saved for this server. */
  keySaved: boolean
  /** Token counts come from the server's tokenizer (llama-server); else they are estimates, shown with ≈. */
  exactTokenCounts: boolean
  /** What the server is, from the routes it answers; `openai` for any other OpenAI-compatible server. */
  kind: RemoteServerKind | null
  /** Its context per slot and its slots (parallel sequences), when known. */
  contextSize: number | null
  slots: number | null
}
