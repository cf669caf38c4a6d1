import { performance } from 'node:perf_hooks'
import type { Llama } from 'node-llama-cpp'
import { ArborFailure } from '../../../shared/errors'
import { describeRef, type CompleteRequest, type EngineEvent, type EngineInfo, type GenerateRequest, type LoadRequestForEngine, type ModelRef, type PromptRequest } from '../../../shared/engine/engineTypes'
import { judgeFit, MAX_CONTEXT_SIZE, napkinEstimate, type Capacity } from '../../../shared/fit'
import { recommendSettings } from '../../../shared/recommendSettings'
import type { FitReport, FitSettings, LoadedModel, LoadSettings, LoadState, MemorySample, ModelFacts } from '../../../shared/types'
import type { Engine, EngineLoadOptions, MeasuredMemory } from './Engine'
import { estimateMemory } from './estimateMemory'
import { getArborLlama, type ArborLlamaOptions } from './getArborLlama'
import { inspectRemoteModel } from './remoteModel'
import { inspectModel, statModelFile, type InspectedModel } from './inspectModel'
import { probeModelFile, type ProbeOptions } from './probe/probeModel'
import { measureMemory } from './measureMemory'
import { DEFAULT_QUEUE_LIMIT, ModelRuntime } from './ModelRuntime'
import { availableRamBytes, readHardware, recommendThreads } from './readHardware'

export type LocalEngineOptions = ArborLlamaOptions & {
  /** Cap on the RAM Arbor plans with, below what is free. Defaults to no cap. */
  ramBudgetBytes?: number
  /** Cap on the VRAM Arbor plans with. Defaults to no cap. */
  vramBudgetBytes?: number
  /** Generations that may wait for a sequence before `ENGINE_BUSY`. Defaults to `16`. */
  queueLimit?: number
  /**
   * Each new file is first taken through llama.cpp's pre-load work in a child process, so that one that would abort
   * llama.cpp is refused instead of closing Arbor. `false` skips it (benchmarks of trusted files). Defaults to on.
   */
  probe?: ProbeOptions | false
  /** Headers for reading a remote model's header (a Hugging Face token for the Hub's files). Defaults to none. */
  remoteHeaders?: (url: string) => Record<string, string>
}

/** Header inspections kept (the least recently used goes first). */
const INSPECT_CACHE_SIZE = 32

const pathOf = (ref: ModelRef): string => {
  if (ref.kind !== 'file') throw new ArborFailure('MODEL_REF_UNSUPPORTED', `The local engine opens model files on this machine, not ${describeRef(ref)}.`)
  return ref.path
}

/**
 * The engine port over node-llama-cpp in this process: inspection and estimates from the header (cached while the
 * file is unchanged), one loaded model with a context of N sequences, generations scheduled over them.
 */
export class LocalEngine implements Engine {
  private readonly inspected = new Map<string, InspectedModel>()
  private loadState: LoadState = { status: 'idle' }
  private current: { runtime: ModelRuntime; loaded: LoadedModel } | null = null
  private loading: AbortController | null = null
  /** The model being freed: a load, an unload or a dispose that comes meanwhile waits for it. */
  private closing: Promise<void> | null = null
  private readonly listeners = new Set<(state: LoadState) => void>()
  private disposed = false

  private constructor(
    private readonly llama: Llama,
    private readonly options: LocalEngineOptions,
  ) {}

  /** The engine on the process's one llama.cpp binding (prebuilt binaries only). */
  static async create(options: LocalEngineOptions = {}): Promise<LocalEngine> {
    return new LocalEngine(await getArborLlama(options), options)
  }

  get state(): LoadState {
    return this.loadState
  }

  get loaded(): LoadedModel | null {
    return this.current?.loaded ?? null
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
      kind: 'local',
      hardware: await readHardware(this.llama),
      capabilities: { exactTokenCounts: true, toolCalls: true, kvReuse: true, loadProgress: true, memoryEstimates: true },
      parallel: this.current?.loaded.settings.sequences ?? 0,
      queueLimit: this.options.queueLimit ?? DEFAULT_QUEUE_LIMIT,
    }
  }

  /** Header facts and insights, cached while the file's size and mtime stay the same. */
  private async inspectFile(path: string): Promise<InspectedModel> {
    const { size, mtimeMs } = await statModelFile(path)
    const cached = this.inspected.get(path)
    this.inspected.delete(path)
    if (cached && cached.fingerprint === `${size}:${mtimeMs}`) {
      this.inspected.set(path, cached)
      return cached
    }
    const probe = this.options.probe
    const model = await inspectModel(path, this.llama, probe === false ? {} : { probe: (file, fingerprint) => probeModelFile(file, fingerprint, probe) })
    this.remember(path, model)
    return model
  }

  /** A file's header (see `inspectFile`), or a URL's by range requests, kept for the session. */
  private async inspectRef(ref: ModelRef): Promise<InspectedModel> {
    if (ref.kind !== 'url') return this.inspectFile(pathOf(ref))
    const key = `url:${ref.url}`
    const cached = this.inspected.get(key)
    if (cached) return cached
    const model = await inspectRemoteModel(ref.url, this.llama, { headers: this.options.remoteHeaders?.(ref.url) ?? {} })
    this.remember(key, model)
    return model
  }

  private remember(key: string, model: InspectedModel): void {
    this.inspected.set(key, model)
    for (const oldest of this.inspected.keys()) {
      if (this.inspected.size <= INSPECT_CACHE_SIZE) break
      this.inspected.delete(oldest)
    }
  }

  async inspect(ref: ModelRef): Promise<ModelFacts> {
    return (await this.inspectRef(ref)).facts
  }

  /** What Arbor may plan with: free memory (plus what the loaded model holds, as a load replaces it), capped by the budget. */
  private async capacity(): Promise<Capacity> {
    const hasGpu = this.llama.gpu !== false
    const vram = hasGpu ? await this.llama.getVramState() : { free: 0 }
    const held = this.current?.loaded.measuredAfterLoad ?? { ramBytes: 0, vramBytes: 0 }
    const ram = (await availableRamBytes()) + Math.max(0, held.ramBytes)
    return {
      hasGpu,
      ramAvailableBytes: Math.min(ram, this.options.ramBudgetBytes ?? Infinity),
      vramAvailableBytes: Math.min(vram.free + Math.max(0, held.vramBytes), this.options.vramBudgetBytes ?? Infinity),
    }
  }

  async estimate(ref: ModelRef, wanted: Partial<FitSettings> = {}): Promise<FitReport> {
    const started = performance.now()
    const path = ref.kind === 'url' ? ref.url : pathOf(ref)
    const model = await this.inspectRef(ref)
    const capacity = await this.capacity()
    const maxGpuLayers = capacity.hasGpu ? model.insights.totalLayers : 0
    const fits = async (s: FitSettings) => {
      const e = await estimateMemory(model, s, capacity.hasGpu)
      return e.ramBytes <= capacity.ramAvailableBytes && e.vramBytes <= capacity.vramAvailableBytes
    }
    const sequences = wanted.sequences ?? 1
    const kvCacheType = wanted.kvCacheType ?? 'F16'
    // Never past what Arbor plans: a header claiming billions of tokens is not a context anyone can hold.
    const trainContextSize = Math.min(model.facts.trainContextSize || 2048, MAX_CONTEXT_SIZE)
    const recommended = await recommendSettings({ maxGpuLayers, trainContextSize, sequences, kvCacheType }, fits)
    const settings: FitSettings = {
      sequences,
      kvCacheType,
      gpuLayers: Math.min(wanted.gpuLayers ?? recommended?.gpuLayers ?? 0, maxGpuLayers),
      contextSize: Math.min(MAX_CONTEXT_SIZE, wanted.contextSize ?? recommended?.contextSize ?? Math.min(256, model.facts.trainContextSize || 256)),
    }
    const estimate = await estimateMemory(model, settings, capacity.hasGpu)
    return {
      path,
      settings,
      estimate,
      fit: judgeFit(estimate, settings, maxGpuLayers, capacity),
      napkin: napkinEstimate(model.facts.parameters, model.facts.bitsPerWeight, estimate, settings),
      recommended,
      maxGpuLayers,
      recommendedThreads: await recommendThreads(estimate.weights.ramBytes + estimate.weights.vramBytes),
      estimateMs: performance.now() - started,
    }
  }

  async load(request: LoadRequestForEngine, options: EngineLoadOptions = {}): Promise<LoadedModel> {
    if (this.disposed) throw new ArborFailure('NO_MODEL_LOADED', 'The engine was shut down.')
    if (this.loading) throw new ArborFailure('LOAD_IN_PROGRESS', 'A model is already loading. Cancel it or wait for it to finish.')
    // Cancelled by the caller, or by `dispose`.
    const own = new AbortController()
    this.loading = own
    const signal = options.signal ? AbortSignal.any([options.signal, own.signal]) : own.signal
    const path = pathOf(request.ref)
    try {
      const report = await this.estimate(request.ref, request.settings)
      if (report.fit.verdict === 'none' && !request.override)
        throw new ArborFailure('MODEL_TOO_LARGE', `Arbor did not start this load because it would not fit. ${report.fit.summary}`, {
          ramNeededBytes: Math.round(report.estimate.ramBytes),
          ramAvailableBytes: Math.round(report.fit.ramAvailableBytes),
          vramNeededBytes: Math.round(report.estimate.vramBytes),
          vramAvailableBytes: Math.round(report.fit.vramAvailableBytes),
        })
      if (signal.aborted) throw new ArborFailure('LOAD_CANCELLED', 'The load was cancelled.')
      await this.unload()
      const facts = (await this.inspectFile(path)).facts
      this.setState({ status: 'loading', path, phase: 'reading', bytesRead: 0, bytesTotal: facts.fileBytes })
      const before = await this.sample()
      const started = performance.now()
      const runtime = await ModelRuntime.load(
        this.llama,
        path,
        request.settings,
        {
          signal,
          onProgress: (phase, bytesRead, bytesTotal) => {
            this.loadState = { status: 'loading', path, phase, bytesRead, bytesTotal }
            options.onProgress?.({ phase, bytesRead, bytesTotal })
          },
        },
        this.options.queueLimit,
      )
      if (this.disposed || signal.aborted) {
        // Cancelled or shut down while llama.cpp finished building it: it must not stay loaded unowned.
        await runtime.close()
        throw new ArborFailure('LOAD_CANCELLED', 'The load was cancelled.')
      }
      const after = await this.sample()
      const loaded: LoadedModel = {
        facts,
        settings: request.settings,
        estimate: report.estimate,
        loadMs: performance.now() - started,
        measuredAfterLoad: { ramBytes: after.rssBytes - before.rssBytes, vramBytes: after.vramUsedBytes - before.vramUsedBytes },
      }
      this.current = { runtime, loaded }
      this.setState({ status: 'loaded', model: loaded })
      return loaded
    } catch (error) {
      const failure = ArborFailure.wrap(error, 'LOAD_FAILED')
      // A load that failed before it replaced the loaded model leaves that one loaded (and says so).
      if (this.current) this.setState({ status: 'loaded', model: this.current.loaded })
      else if (failure.code === 'LOAD_CANCELLED') this.setState({ status: 'idle' })
      else this.setState({ status: 'error', path, error: failure.toError() })
      throw failure
    } finally {
      this.loading = null
    }
  }

  async unload(): Promise<boolean> {
    const current = this.current
    if (!current) {
      // Another caller is freeing it: done when that is.
      await this.closing
      return false
    }
    // No new generation starts; the running ones are stopped and stored before the model goes.
    this.current = null
    const closing = current.runtime.close()
    this.closing = closing
    try {
      await closing
    } finally {
      if (this.closing === closing) this.closing = null
    }
    if (this.loadState.status === 'loaded') this.setState({ status: 'idle' })
    return true
  }

  private runtime(): ModelRuntime {
    const runtime = this.current?.runtime
    if (!runtime) throw new ArborFailure('NO_MODEL_LOADED', 'Load a model first.')
    return runtime
  }

  async tokenize(texts: readonly string[]): Promise<number[][]> {
    return this.runtime().tokenize(texts)
  }

  async countTokens(texts: readonly string[]): Promise<number[]> {
    return (await this.runtime().tokenize(texts)).map((tokens) => tokens.length)
  }

  async promptTokens(request: PromptRequest): Promise<number> {
    return this.runtime().promptTokens(request)
  }

  generate(request: GenerateRequest, signal?: AbortSignal): AsyncIterable<EngineEvent> {
    // Resolved when reading starts, so that a generation asked for before an unload sees the unload.
    return { [Symbol.asyncIterator]: () => this.runtime().generate(request, signal)[Symbol.asyncIterator]() }
  }

  complete(request: CompleteRequest, signal?: AbortSignal): AsyncIterable<EngineEvent> {
    return { [Symbol.asyncIterator]: () => this.runtime().complete(request, signal)[Symbol.asyncIterator]() }
  }

  /** Resident memory of this process and VRAM in use now. */
  async sample(): Promise<MemorySample> {
    const hasGpu = this.llama.gpu !== false
    const vram = hasGpu ? await this.llama.getVramState() : { used: 0, total: 0 }
    return { at: Date.now(), rssBytes: process.memoryUsage.rss(), ramFreeBytes: await availableRamBytes(), vramUsedBytes: vram.used, vramTotalBytes: vram.total }
  }

  async measure(ref: ModelRef, settings: LoadSettings): Promise<MeasuredMemory> {
    if (this.loading) throw new ArborFailure('LOAD_IN_PROGRESS', 'A model is loading; measure after it.')
    const path = pathOf(ref)
    await this.inspectFile(path)
    await this.unload()
    return measureMemory(this.llama, path, settings)
  }

  async dispose(): Promise<void> {
    this.disposed = true
    this.loading?.abort()
    await this.unload()
    this.listeners.clear()
  }
}
