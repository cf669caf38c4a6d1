import type { FitSettings, KvCacheType } from './types'

export type RecommendInput = {
  /** Layers that can go to the GPU (0 on a CPU-only machine). */
  maxGpuLayers: number
  trainContextSize: number
  sequences: number
  kvCacheType: KvCacheType
  /** Contexts are chosen in steps of this many tokens. Defaults to `256`. */
  step?: number
}

/** Largest value in [lo, hi] for which `ok` holds, assuming it is monotone; null if none. */
async function largest(lo: number, hi: number, ok: (n: number) => Promise<boolean>): Promise<number | null> {
  if (hi < lo || !(await ok(lo))) return null
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2)
    if (await ok(mid)) lo = mid
    else hi = mid - 1
  }
  return lo
}

/**
 * Most GPU layers first (they decide speed), then the largest context that fits the chosen
 * number of sequences, up to the trained context. Null when not even the smallest context fits.
 */
export async function recommendSettings(input: RecommendInput, fits: (s: FitSettings) => Promise<boolean>): Promise<FitSettings | null> {
  const step = input.step ?? 256
  const minContext = Math.min(step, input.trainContextSize)
  const make = (gpuLayers: number, contextSize: number): FitSettings => ({
    gpuLayers,
    contextSize,
    sequences: input.sequences,
    kvCacheType: input.kvCacheType,
  })
  const gpuLayers = await largest(0, input.maxGpuLayers, (layers) => fits(make(layers, minContext)))
  if (gpuLayers === null) return null
  const maxSteps = Math.max(1, Math.floor(input.trainContextSize / step))
  const steps = await largest(1, maxSteps, (n) => fits(make(gpuLayers, Math.min(n * step, input.trainContextSize))))
  const contextSize = steps === null ? minContext : Math.min(steps * step, input.trainContextSize)
  return make(gpuLayers, contextSize)
}
