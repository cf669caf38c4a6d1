import { performance } from 'node:perf_hooks'
import type { ArborEvent } from '../../shared/contract'
import { ArborFailure } from '../../shared/errors'
import { judgeFit, napkinEstimate, type Capacity } from '../../shared/fit'
import { recommendSettings } from '../../shared/recommendSettings'
import type { FitReport, FitSettings, LoadedModel, LoadRequest, LoadSettings, LoadState, MemorySample, ModelFacts } from '../../shared/types'
import { estimateMemory } from './engine/estimateMemory'
import type { ArborLlama } from './engine/getArborLlama'
import { inspectModel, statModelFile, type InspectedModel } from './engine/inspectModel'
import { measureMemory, type MeasuredMemory } from './engine/measureMemory'
import { ModelRuntime } from './engine/ModelRuntime'
import { availableRamBytes, recommendThreads } from './engine/readHardware'

export type MemoryBudget = {
  /** Cap on the RAM Arbor plans with, below what is free. Defaults to no cap. */
  ramBudgetBytes?: number
  /** Cap on the VRAM Arbor plans with. Defaults to no cap. */
  vramBudgetBytes?: number
}

/** Owns the model: inspection, estimates, the one loaded runtime and its load state. */
export class ModelService {
  private readonly inspected = new Map<string, InspectedModel>()
  private loadState: LoadState = { status: 'idle' }
  private current: { runtime: ModelRuntime; loaded: LoadedModel } | null = null
  private loadAbort: AbortController | null = null

  constructor(
    private readonly llama: ArborLlama,
    private readonly emit: (event: ArborEvent) => void,
    private readonly budget: MemoryBudget = {},
  ) {}

  get state(): LoadState {
    return this.loadState
  }

  get runtime(): ModelRuntime | null {
    return this.current?.runtime ?? null
  }

  /** Facts of the loaded model, or null. */
  get loadedFacts(): ModelFacts | null {
    return this.current?.loaded.facts ?? null
  }

  private setState(state: LoadState) {
    this.loadState = state
    this.emit({ type: 'model.loadState', state })
  }

  /** Header facts, cached while the file's size and mtime stay the same. */
  async inspect(path: string): Promise<InspectedModel> {
    const { size, mtimeMs } = await statModelFile(path)
    const cached = this.inspected.get(path)
    if (cached && cached.fingerprint === `${size}:${mtimeMs}`) return cached
    const model = await inspectModel(path, this.llama)
    this.inspected.set(path, model)
    return model
  }

  /** What Arbor may plan with: free memory (plus what the loaded model holds, as a load replaces it), capped by the budget. */
  async capacity(): Promise<Capacity> {
    const hasGpu = this.llama.gpu !== false
    const vram = hasGpu ? await this.llama.getVramState() : { free: 0 }
    const held = this.current?.loaded.measuredAfterLoad ?? { ramBytes: 0, vramBytes: 0 }
    const ram = (await availableRamBytes()) + Math.max(0, held.ramBytes)
    return {
      hasGpu,
      ramAvailableBytes: Math.min(ram, this.budget.ramBudgetBytes ?? Infinity),
      vramAvailableBytes: Math.min(vram.free + Math.max(0, held.vramBytes), this.budget.vramBudgetBytes ?? Infinity),
    }
  }

  async estimate(path: string, wanted: Partial<FitSettings> = {}): Promise<FitReport> {
    const started = performance.now()
    const model = await this.inspect(path)
    const capacity = await this.capacity()
    const maxGpuLayers = capacity.hasGpu ? model.insights.totalLayers : 0
    const fits = async (s: FitSettings) => {
      const e = await estimateMemory(model, s, capacity.hasGpu)
      return e.ramBytes <= capacity.ramAvailableBytes && e.vramBytes <= capacity.vramAvailableBytes
    }
    const recommended = await recommendSettings(
      {
        maxGpuLayers,
        trainContextSize: model.facts.trainContextSize || 2048,
        sequences: wanted.sequences ?? 1,
        kvCacheType: wanted.kvCacheType ?? 'F16',
      },
      fits,
    )
    const settings: FitSettings = {
      sequences: wanted.sequences ?? 1,
      kvCacheType: wanted.kvCacheType ?? 'F16',
      gpuLayers: Math.min(wanted.gpuLayers ?? recommended?.gpuLayers ?? 0, maxGpuLayers),
      contextSize: wanted.contextSize ?? recommended?.contextSize ?? Math.min(256, model.facts.trainContextSize || 256),
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

  async load(request: LoadRequest): Promise<LoadedModel> {
    if (this.loadAbort) throw new ArborFailure('LOAD_IN_PROGRESS', 'A model is already loading. Cancel it or wait for it to finish.')
    const abort = new AbortController()
    this.loadAbort = abort
    try {
      const report = await this.estimate(request.path, request.settings)
      if (report.fit.verdict === 'none' && !request.override)
        throw new ArborFailure('MODEL_TOO_LARGE', `Arbor did not start this load because it would not fit. ${report.fit.summary}`, {
          ramNeededBytes: Math.round(report.estimate.ramBytes),
          ramAvailableBytes: Math.round(report.fit.ramAvailableBytes),
          vramNeededBytes: Math.round(report.estimate.vramBytes),
          vramAvailableBytes: Math.round(report.fit.vramAvailableBytes),
        })
      await this.unload()
      const facts = (await this.inspect(request.path)).facts
      this.setState({ status: 'loading', path: request.path, phase: 'reading', bytesRead: 0, bytesTotal: facts.fileBytes })
      const before = await this.sample()
      const started = performance.now()
      const runtime = await ModelRuntime.load(this.llama, request.path, request.settings, {
        signal: abort.signal,
        onProgress: (phase, bytesRead, bytesTotal) => {
          this.loadState = { status: 'loading', path: request.path, phase, bytesRead, bytesTotal }
          this.emit({ type: 'model.loadProgress', path: request.path, phase, bytesRead, bytesTotal })
        },
      })
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
      const failure = error instanceof ArborFailure ? error : new ArborFailure('LOAD_FAILED', (error as Error)?.message ?? String(error))
      if (failure.code === 'LOAD_CANCELLED') this.setState({ status: 'idle' })
      else if (failure.code !== 'MODEL_TOO_LARGE' || this.loadState.status !== 'loaded')
        this.setState({ status: 'error', path: request.path, error: { code: failure.code, message: failure.message } })
      throw failure
    } finally {
      this.loadAbort = null
    }
  }

  cancelLoad(): boolean {
    if (!this.loadAbort) return false
    this.loadAbort.abort()
    return true
  }

  async unload(): Promise<boolean> {
    const current = this.current
    if (!current) return false
    this.current = null
    await current.runtime.dispose()
    if (this.loadState.status === 'loaded') this.setState({ status: 'idle' })
    return true
  }

  /** Resident memory of this process and VRAM in use now. */
  async sample(): Promise<MemorySample> {
    const hasGpu = this.llama.gpu !== false
    const vram = hasGpu ? await this.llama.getVramState() : { used: 0, total: 0 }
    return {
      at: Date.now(),
      rssBytes: process.memoryUsage.rss(),
      ramFreeBytes: await availableRamBytes(),
      vramUsedBytes: vram.used,
      vramTotalBytes: vram.total,
    }
  }

  /** Loads a separate copy and fills its KV cache to measure real memory use; unloads what was loaded first. */
  async measure(path: string, settings: LoadSettings): Promise<MeasuredMemory> {
    if (this.loadAbort) throw new ArborFailure('LOAD_IN_PROGRESS', 'A model is loading; measure after it.')
    await this.inspect(path)
    await this.unload()
    return measureMemory(this.llama, path, settings)
  }
}
