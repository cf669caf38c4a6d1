import type { Sampling } from './engine/engineTypes'

/**
 * The sampling a person sets in the UI, remembered per model, and what Arbor stores with each turn. Every field is
 * always there (a turn says exactly how it was sampled); `seed: null` is "a new random seed each time".
 */
export type SamplingSettings = {
  temperature: number
  topP: number
  topK: number
  minP: number
  /** 1 is off. */
  repeatPenalty: number
  /** Tokens the repeat penalty looks back over. */
  repeatLastTokens: number
  seed: number | null
  /** Null: the room left in the context. */
  maxTokens: number | null
  stop: string[]
}

/** The sampling one turn used: its settings with the seed it was given. */
export type UsedSampling = Omit<SamplingSettings, 'seed'> & { seed: number }

export const samplingPresets = {
  /** Near-deterministic: facts, code. */
  precise: { temperature: 0.2, topP: 0.9, topK: 20, minP: 0.1, repeatPenalty: 1, repeatLastTokens: 64, seed: null, maxTokens: null, stop: [] },
  /** The default: llama.cpp's own defaults (temperature 0.8, top-k 40, top-p 0.95, min-p 0.05). */
  balanced: { temperature: 0.8, topP: 0.95, topK: 40, minP: 0.05, repeatPenalty: 1, repeatLastTokens: 64, seed: null, maxTokens: null, stop: [] },
  /** More varied: brainstorming, prose. */
  creative: { temperature: 1.1, topP: 0.98, topK: 100, minP: 0.02, repeatPenalty: 1.05, repeatLastTokens: 128, seed: null, maxTokens: null, stop: [] },
} as const satisfies Record<string, SamplingSettings>

export type SamplingPreset = keyof typeof samplingPresets

export const DEFAULT_SAMPLING: SamplingSettings = { ...samplingPresets.balanced, stop: [] }

/** The preset these settings equal, if any. */
export function presetOf(s: SamplingSettings): SamplingPreset | null {
  for (const [name, preset] of Object.entries(samplingPresets) as [SamplingPreset, SamplingSettings][])
    if ((Object.keys(preset) as (keyof SamplingSettings)[]).every((k) => JSON.stringify(preset[k]) === JSON.stringify(s[k]))) return name
  return null
}

/** A seed for a turn: the fixed one, or a fresh random 32-bit one. */
export const pickSeed = (seed: number | null | undefined): number => seed ?? Math.floor(Math.random() * 2 ** 32)

/** What the engine takes for these settings and this turn's seed. */
export function toEngineSampling(s: Partial<SamplingSettings>, seed: number): Sampling {
  const sampling: Sampling = { seed }
  if (s.temperature !== undefined) sampling.temperature = s.temperature
  if (s.topP !== undefined) sampling.topP = s.topP
  if (s.topK !== undefined) sampling.topK = s.topK
  if (s.minP !== undefined) sampling.minP = s.minP
  if (s.repeatPenalty !== undefined && s.repeatPenalty !== 1) sampling.repeatPenalty = { penalty: s.repeatPenalty, lastTokens: s.repeatLastTokens ?? 64 }
  if (s.maxTokens !== undefined && s.maxTokens !== null) sampling.maxTokens = s.maxTokens
  if (s.stop?.length) sampling.stop = s.stop
  return sampling
}
