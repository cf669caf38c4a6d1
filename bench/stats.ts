import os from 'node:os'

/** Repeated measurements of one figure: the median, and the spread around it. */
export type Samples = { values: number[]; median: number; min: number; max: number }

export function samples(values: readonly number[]): Samples {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b)
  const mid = sorted.length / 2
  const median = sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  return { values: [...values], median, min: sorted[0] ?? NaN, max: sorted.at(-1) ?? NaN }
}

/** `12.3 (11.9–12.8)`: the median and the range of the repeats. */
export const formatSamples = (s: Samples | null, digits = 1): string =>
  !s || Number.isNaN(s.median) ? '—' : `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`

/** The machine's 1-minute load average, and whether it is over the cores (other work competed with the run). */
export function machineLoad(): { loadAverage: number; cores: number; busy: boolean } {
  const loadAverage = os.loadavg()[0] ?? 0
  const cores = os.availableParallelism()
  return { loadAverage, cores, busy: loadAverage > cores }
}
