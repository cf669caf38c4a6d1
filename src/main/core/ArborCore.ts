import { parseRequest, type ArborEvent, type RequestArgs, type RequestName, type RequestResults } from '../../shared/contract'
import { ArborFailure, fail, ok, type Result } from '../../shared/errors'
import type { AppSnapshot, LoadSettings } from '../../shared/types'
import type { MeasuredMemory } from './engine/measureMemory'
import { ChatService } from './ChatService'
import { getArborLlama, type ArborLlama } from './engine/getArborLlama'
import { readHardware } from './engine/readHardware'
import { ModelsFolder } from './ModelsFolder'
import { ModelService, type MemoryBudget } from './ModelService'

export type ArborCoreOptions = MemoryBudget & {
  modelsFolder: string
  transport: AppSnapshot['transport']
  /** How often live memory is sampled while a model is loaded. Defaults to `1000`. */
  memorySampleMs?: number
  /** Watch the models folder for new files. Defaults to `true`. */
  watchModels?: boolean
  version?: string
}

type Handlers = { [K in RequestName]: (arg: RequestArgs[K]) => Promise<RequestResults[K]> | RequestResults[K] }

/**
 * The engine behind every UI: one object that answers the contract's requests and emits its
 * events. Knows nothing of Electron, HTTP or the DOM.
 */
export class ArborCore {
  private readonly listeners = new Set<(event: ArborEvent) => void>()
  private readonly models: ModelService
  private readonly chat: ChatService
  private readonly folder: ModelsFolder
  private sampler: NodeJS.Timeout | null = null
  private readonly handlers: Handlers

  private constructor(
    private readonly llama: ArborLlama,
    private readonly options: ArborCoreOptions,
  ) {
    const emit = (event: ArborEvent) => this.emit(event)
    this.models = new ModelService(llama, emit, options)
    this.chat = new ChatService(emit, () => this.models.runtime)
    this.folder = new ModelsFolder(options.modelsFolder)
    this.handlers = {
      'app.snapshot': () => this.snapshot(),
      'hardware.get': () => readHardware(this.llama),
      'models.list': () => this.folder.list(),
      'models.createDemo': async () => {
        const entry = await this.folder.createDemo()
        void this.modelsChanged()
        return entry
      },
      'model.inspect': async ({ path }) => (await this.models.inspect(path)).facts,
      'model.estimate': ({ path, settings }) => this.models.estimate(path, settings),
      'model.load': async (request) => {
        this.chat.stop()
        const loaded = await this.models.load(request)
        this.chat.setSystemPrompt(this.chat.snapshot().systemPrompt)
        return loaded
      },
      'model.cancelLoad': () => ({ cancelled: this.models.cancelLoad() }),
      'model.unload': async () => {
        this.chat.stop()
        return { unloaded: await this.models.unload() }
      },
      'chat.send': ({ text, parentId, maxTokens }) => this.chat.send(text, parentId, maxTokens),
      'chat.stop': () => ({ stopped: this.chat.stop() }),
      'chat.select': ({ nodeId }) => this.chat.select(nodeId),
      'chat.reset': () => this.chat.reset(),
      'chat.setSystemPrompt': ({ text }) => this.chat.setSystemPrompt(text),
    }
  }

  static async create(options: ArborCoreOptions): Promise<ArborCore> {
    const core = new ArborCore(await getArborLlama(), options)
    if (options.watchModels !== false) await core.folder.watch(() => void core.modelsChanged())
    core.sampler = setInterval(() => void core.sampleMemory(), options.memorySampleMs ?? 1000)
    core.sampler.unref()
    return core
  }

  get modelsFolder(): ModelsFolder {
    return this.folder
  }

  on(listener: (event: ArborEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private emit(event: ArborEvent) {
    for (const listener of this.listeners) {
      try {
        listener(event)
      } catch {
        // A broken listener (a closed socket) must not stop the others or the core.
      }
    }
  }

  /** Validates and answers one request. Never throws: errors come back as data. */
  async handle(name: unknown, arg: unknown): Promise<Result<unknown>> {
    const parsed = parseRequest(name, arg)
    if (!parsed.ok) return fail(parsed.code, parsed.message)
    try {
      const handler = this.handlers[parsed.name] as (arg: unknown) => unknown
      return ok(await handler(parsed.arg))
    } catch (error) {
      if (error instanceof ArborFailure) return { ok: false, error: error.toError() }
      return fail('INTERNAL', `Unexpected error: ${(error as Error)?.message ?? String(error)}`)
    }
  }

  /** Typed convenience for in-process callers (CLI, tests). */
  request<K extends RequestName>(name: K, arg: RequestArgs[K]): Promise<Result<RequestResults[K]>> {
    return this.handle(name, arg) as Promise<Result<RequestResults[K]>>
  }

  /** Real memory use after filling the KV cache (CLI and benchmark; not part of the UI contract). */
  async measure(path: string, settings: LoadSettings): Promise<Result<MeasuredMemory>> {
    try {
      return ok(await this.models.measure(path, settings))
    } catch (error) {
      if (error instanceof ArborFailure) return { ok: false, error: error.toError() }
      return fail('LOAD_FAILED', `Measuring failed: ${(error as Error)?.message ?? String(error)}`)
    }
  }

  async snapshot(): Promise<AppSnapshot> {
    return {
      version: this.options.version ?? '0.1.0',
      hardware: await readHardware(this.llama),
      modelsFolder: this.folder.path,
      models: await this.folder.list(),
      load: this.models.state,
      conversation: this.chat.snapshot(),
      generating: this.chat.generating,
      transport: this.options.transport,
    }
  }

  private async modelsChanged() {
    this.emit({ type: 'models.changed', models: await this.folder.list().catch(() => []) })
  }

  private async sampleMemory() {
    if (this.listeners.size === 0 || this.models.state.status !== 'loaded') return
    this.emit({ type: 'memory.sample', sample: await this.models.sample() })
  }

  async dispose(): Promise<void> {
    if (this.sampler) clearInterval(this.sampler)
    this.folder.close()
    this.chat.stop()
    this.models.cancelLoad()
    await this.models.unload()
    this.listeners.clear()
  }
}
