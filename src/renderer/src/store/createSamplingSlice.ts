import type { StateCreator } from 'zustand'
import { DEFAULT_SAMPLING, samplingPresets, type SamplingPreset, type SamplingSettings } from '../../../shared/sampling'
import type { AppState } from './AppState'

/** How answers are sampled, remembered per model (by file name) in localStorage. */
export type SamplingSlice = {
  /** The settings for the loaded model (the defaults before any is loaded). */
  sampling: SamplingSettings
  /** The model whose settings `sampling` holds; null before any is loaded. */
  samplingModel: string | null
  setSampling(change: Partial<SamplingSettings>): void
  applyPreset(preset: SamplingPreset): void
  /** Switches to the settings remembered for `model` (called when a model is loaded). */
  useSamplingOf(model: string | null): void
}

const STORAGE_KEY = 'arbor.sampling.v1'

function readAll(): Record<string, SamplingSettings> {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}')
    return typeof raw === 'object' && raw !== null ? (raw as Record<string, SamplingSettings>) : {}
  } catch {
    return {}
  }
}

const finite = (v: unknown, fallback: number, min: number, max: number): number =>
  typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : fallback

/** Remembered settings are untrusted (another version, a hand edit): each field checked, the default otherwise. */
export function sanitizeSampling(value: Partial<Record<keyof SamplingSettings, unknown>> | undefined): SamplingSettings {
  const v = value ?? {}
  const d = DEFAULT_SAMPLING
  const seed = typeof v.seed === 'number' && Number.isInteger(v.seed) && v.seed >= 0 && v.seed < 2 ** 32 ? v.seed : null
  const maxTokens = typeof v.maxTokens === 'number' && Number.isInteger(v.maxTokens) && v.maxTokens >= 1 ? Math.min(v.maxTokens, 1 << 20) : null
  return {
    temperature: finite(v.temperature, d.temperature, 0, 5),
    topP: finite(v.topP, d.topP, 0, 1),
    topK: Math.round(finite(v.topK, d.topK, 0, 100_000)),
    minP: finite(v.minP, d.minP, 0, 1),
    repeatPenalty: finite(v.repeatPenalty, d.repeatPenalty, 1, 3),
    repeatLastTokens: Math.round(finite(v.repeatLastTokens, d.repeatLastTokens, 0, 1 << 16)),
    seed,
    maxTokens,
    stop: Array.isArray(v.stop) ? v.stop.filter((s): s is string => typeof s === 'string' && s.length > 0 && s.length <= 64).slice(0, 8) : [],
  }
}

export const createSamplingSlice: StateCreator<AppState, [], [], SamplingSlice> = (set, get) => {
  const save = () => {
    const { samplingModel, sampling } = get()
    if (!samplingModel) return
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify({ ...readAll(), [samplingModel]: sampling }))
    } catch {
      // Storage can be disabled; the settings then last until the page reloads.
    }
  }
  return {
    sampling: DEFAULT_SAMPLING,
    samplingModel: null,
    setSampling(change) {
      set({ sampling: sanitizeSampling({ ...get().sampling, ...change }) })
      save()
    },
    applyPreset(preset) {
      set({ sampling: { ...samplingPresets[preset], stop: [...get().sampling.stop] } })
      save()
    },
    useSamplingOf(model) {
      if (model === get().samplingModel) return
      const remembered = model ? readAll()[model] : undefined
      set({ samplingModel: model, sampling: remembered ? sanitizeSampling(remembered) : DEFAULT_SAMPLING })
    },
  }
}
