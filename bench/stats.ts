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

import { readFileSync } from 'node:fs'

/** Clock ticks the whole machine was busy, and those of this process with its finished children (Linux). */
function cpuTicks(): { machine: number; ours: number } | null {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
    // user nice system idle iowait irq softirq steal: busy is everything but idle and iowait.
    const machine = cpu.reduce((a, b) => a + b, 0) - (cpu[3] ?? 0) - (cpu[4] ?? 0)
    const self = readFileSync('/proc/self/stat', 'utf8')
    const fields = self.slice(self.lastIndexOf(')') + 2).split(' ').map(Number)
    // utime stime cutime cstime are fields 14–17 of the line: 11–14 after the name.
    const ours = (fields[11] ?? 0) + (fields[12] ?? 0) + (fields[13] ?? 0) + (fields[14] ?? 0)
    return { machine, ours }
  } catch {
    return null
  }
}

/**
 * Whether other work competed with a measurement: a sampler started before it and read after. On Linux, the CPU
 * time other processes took while it ran (more than a quarter of a core on average is busy); elsewhere, a
 * 1-minute load average over the cores plus one (the run itself is one).
 */
export function competition(): { stop(): { busy: boolean; otherCores: number } } {
  const start = cpuTicks()
  const started = Date.now()
  return {
    stop() {
      const end = cpuTicks()
      const seconds = (Date.now() - started) / 1000
      if (!start || !end || seconds <= 0) return { busy: (os.loadavg()[0] ?? 0) > os.availableParallelism() + 1, otherCores: NaN }
      const ticksPerSecond = 100
      const other = (end.machine - start.machine - (end.ours - start.ours)) / ticksPerSecond / seconds
      return { busy: other > 0.25, otherCores: Math.max(0, other) }
    },
  }
}

/** The machine's 1-minute load average and cores, for the report's header. */
export function machineLoad(): { loadAverage: number; cores: number } {
  return { loadAverage: os.loadavg()[0] ?? 0, cores: os.availableParallelism() }
}
