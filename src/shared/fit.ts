import type { Fit, FitSettings, LoadSettings, MemoryEstimate, Napkin } from './types'
import { formatBytes } from './format'

export type Capacity = {
  ramAvailableBytes: number
  vramAvailableBytes: number
  /** False on a CPU-only machine: then any GPU layer is wasted. */
  hasGpu: boolean
}

/** The verdict for an estimate against what the machine has free. */
export function judgeFit(estimate: MemoryEstimate, settings: FitSettings, maxGpuLayers: number, capacity: Capacity): Fit {
  const { ramAvailableBytes, vramAvailableBytes } = capacity
  const base = { ramAvailableBytes, vramAvailableBytes }
  const ramShort = estimate.ramBytes - ramAvailableBytes
  const vramShort = estimate.vramBytes - vramAvailableBytes
  if (vramShort > 0)
    return {
      ...base,
      verdict: 'none',
      summary: `Does not fit: needs ${formatBytes(estimate.vramBytes)} of VRAM, ${formatBytes(vramAvailableBytes)} free. Lower GPU layers or context.`,
    }
  if (ramShort > 0)
    return {
      ...base,
      verdict: 'none',
      summary: `Does not fit: needs ${formatBytes(estimate.ramBytes)} of RAM, ${formatBytes(ramAvailableBytes)} free. Lower the context size or agents, or pick a smaller quantization.`,
    }
  const gpuLayers = capacity.hasGpu ? Math.min(settings.gpuLayers, maxGpuLayers) : 0
  if (gpuLayers >= maxGpuLayers && maxGpuLayers > 0)
    return { ...base, verdict: 'gpu', summary: `Fits on the GPU: all ${maxGpuLayers} layers offloaded.` }
  if (gpuLayers > 0)
    return { ...base, verdict: 'partial', summary: `Fits partly offloaded: ${gpuLayers} of ${maxGpuLayers} layers on the GPU, the rest in RAM.` }
  return {
    ...base,
    verdict: 'ram',
    summary: capacity.hasGpu ? 'Fits in RAM only (no layers on the GPU).' : 'Fits in RAM (no GPU on this machine).',
  }
}

/** Multiplier of the common napkin formula for "activations". */
/**
 * The largest context Arbor plans, estimates or loads (4,194,304 tokens). A header may claim more (or a corrupt one
 * 4 billion); llama.cpp's memory simulation of such a context does not come back.
 */
export const MAX_CONTEXT_SIZE = 1 << 22

/** Whether the fit controls now differ from the settings the loaded model was loaded with (a reload would apply them). */
export function settingsDiffer(loaded: LoadSettings | null, fit: FitSettings | null, threads: number | null): boolean {
  return (
    loaded !== null &&
    fit !== null &&
    (fit.contextSize !== loaded.contextSize ||
      fit.sequences !== loaded.sequences ||
      fit.gpuLayers !== loaded.gpuLayers ||
      fit.kvCacheType !== loaded.kvCacheType ||
      (threads !== null && threads !== loaded.threads))
  )
}

export const NAPKIN_FACTOR = 1.4

/** The napkin formula people quote, beside the real estimate, with why they differ. */
export function napkinEstimate(parameters: number, bitsPerWeight: number, estimate: MemoryEstimate, settings: FitSettings): Napkin {
  const bytesPerParameter = bitsPerWeight / 8
  const bytes = parameters * bytesPerParameter * NAPKIN_FACTOR
  const total = estimate.ramBytes + estimate.vramBytes
  const kv = estimate.kvCache.ramBytes + estimate.kvCache.vramBytes
  const errorVsEstimate = total > 0 ? (bytes - total) / total : 0
  const kvShare = total > 0 ? Math.round((kv / total) * 100) : 0
  const explanation =
    `The napkin formula ignores the context: the KV cache grows with context size × agents ` +
    `(${settings.contextSize.toLocaleString('en-US')} tokens × ${settings.sequences} here = ${formatBytes(kv)}, ${kvShare}% of the total), ` +
    `and compute buffers grow with the batch and vocabulary, not with a fixed 40%.`
  return { bytes, bytesPerParameter, errorVsEstimate, explanation }
}

/** Total bytes of one split, as people read it. */
export const totalBytes = (e: { ramBytes: number; vramBytes: number }) => e.ramBytes + e.vramBytes
