import type { CompleteRequest, EngineEvent, EngineInfo, GenerateRequest, LoadRequestForEngine, ModelRef, PromptRequest } from '../../../shared/engine/engineTypes'
import type { FitReport, FitSettings, LoadedModel, LoadSettings, LoadState, MemorySample, ModelFacts } from '../../../shared/types'
import type { Engine, EngineLoadOptions, MeasuredMemory } from './Engine'
import { RemoteEngine, type RemoteEngineOptions } from './remote/RemoteEngine'
import type { ServerFacts } from './remote/serverFacts'

/** The server a switch is connected to, as the UI may show it: never the key. */
export type RemoteConnection = { baseUrl: string; model: string | null }

/**
 * The engine the core's clients hold: the local one, or a server the user connected to. Files are always
 * inspected, estimated and measured by the local engine (a remote server cannot open them); turns, token counts
 * and the load state are those of the engine in use. A connection that succeeded replaces the local model (its
 * memory is freed); loading a file or unloading drops the connection. The clients see one state that changes.
 */
export class EngineSwitch implements Engine {
  private active: Engine
  private remote: RemoteEngine | null = null
  private connection: RemoteConnection | null = null
  private readonly listeners = new Set<(state: LoadState) => void>()

  constructor(
    private readonly local: Engine,
    private readonly makeRemote: (options: RemoteEngineOptions) => RemoteEngine = (options) => new RemoteEngine(options),
  ) {
    this.active = local
    local.onStateChange((state) => this.forward(local, state))
  }

  /** The server in use, or null when the model runs here. */
  get remoteConnection(): RemoteConnection | null {
    return this.active === this.remote ? this.connection : null
  }

  /** What the server in use said about itself (kind, context, slots); null when none is connected. */
  get remoteServer(): ServerFacts | null {
    return this.active === this.remote ? (this.remote?.server ?? null) : null
  }

  get state(): LoadState {
    return this.active.state
  }

  get loaded(): LoadedModel | null {
    return this.active.loaded
  }

  onStateChange(listener: (state: LoadState) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private forward(from: Engine, state: LoadState): void {
    if (from !== this.active) return
    for (const listener of this.listeners) listener(state)
  }

  /**
   * Connects to a server and, once it answered, makes its model (the one named, else the first it lists) the
   * engine's: only then is the local model unloaded (its memory freed) or an earlier connection dropped. A server
   * that cannot be reached, refuses the key or lacks the model changes nothing: the failure is thrown.
   */
  async connect(options: RemoteEngineOptions, settings: LoadSettings): Promise<LoadedModel> {
    const remote = this.makeRemote(options)
    let loaded: LoadedModel
    try {
      loaded = await remote.load({ ref: { kind: 'remote', baseUrl: remote.baseUrl, model: options.model ?? '' }, settings })
    } catch (error) {
      await remote.dispose()
      throw error
    }
    await this.local.unload()
    await this.dropRemote()
    remote.onStateChange((state) => this.forward(remote, state))
    this.remote = remote
    this.connection = { baseUrl: remote.baseUrl, model: loaded.facts.fileName }
    this.active = remote
    this.forward(remote, remote.state)
    return loaded
  }

  private async dropRemote(): Promise<void> {
    const remote = this.remote
    if (!remote) return
    this.remote = null
    this.connection = null
    if (this.active === remote) {
      this.active = this.local
      await remote.dispose()
      this.forward(this.local, this.local.state)
    } else await remote.dispose()
  }

  info(): Promise<EngineInfo> {
    return this.active.info()
  }

  inspect(ref: ModelRef): Promise<ModelFacts> {
    return this.local.inspect(ref)
  }

  estimate(ref: ModelRef, settings?: Partial<FitSettings>): Promise<FitReport> {
    return this.local.estimate(ref, settings)
  }

  /** A file (or URL) loads here: a connection to a server is dropped first. */
  async load(request: LoadRequestForEngine, options?: EngineLoadOptions): Promise<LoadedModel> {
    await this.dropRemote()
    return this.local.load(request, options)
  }

  /** Unloads the local model, or disconnects from the server (its model stays loaded there). */
  async unload(): Promise<boolean> {
    const remote = this.remote
    if (remote && this.active === remote) {
      const had = remote.loaded !== null
      await this.dropRemote()
      return had
    }
    return this.local.unload()
  }

  tokenize(texts: readonly string[]): Promise<number[][]> {
    return this.active.tokenize(texts)
  }

  countTokens(texts: readonly string[]): Promise<number[]> {
    return this.active.countTokens(texts)
  }

  promptTokens(request: PromptRequest): Promise<number> {
    return this.active.promptTokens(request)
  }

  generate(request: GenerateRequest, signal?: AbortSignal): AsyncIterable<EngineEvent> {
    return this.active.generate(request, signal)
  }

  complete(request: CompleteRequest, signal?: AbortSignal): AsyncIterable<EngineEvent> {
    return this.active.complete(request, signal)
  }

  sample(): Promise<MemorySample> {
    return this.active.sample()
  }

  async measure(ref: ModelRef, settings: LoadSettings): Promise<MeasuredMemory> {
    await this.dropRemote()
    return this.local.measure(ref, settings)
  }

  async dispose(): Promise<void> {
    await this.dropRemote()
    await this.local.dispose()
  }
}
