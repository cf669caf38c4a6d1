/**
 * Parses `/proc/cpuinfo` into the number of physical cores: distinct (physical id, core id) pairs.
 * Returns null when the text has no topology (some VMs and non-Linux systems).
 */
export function physicalCoresFromCpuinfo(cpuinfo: string): number | null {
  const cores = new Set<string>()
  let physical = '0'
  let sawCoreId = false
  for (const line of cpuinfo.split('\n')) {
    const [rawKey, rawValue] = line.split(':')
    const key = rawKey?.trim()
    const value = rawValue?.trim() ?? ''
    if (key === 'physical id') physical = value
    else if (key === 'core id') {
      sawCoreId = true
      cores.add(`${physical}:${value}`)
    }
  }
  return sawCoreId && cores.size > 0 ? cores.size : null
}

/** Weight bytes per thread below which another thread costs more in synchronisation than it adds. */
export const BYTES_PER_THREAD = 128 * 1024 * 1024

/**
 * Threads for evaluation: at most one per physical core. Hyper-threads share a core's vector
 * units, and more threads than cores makes every thread wait (4 threads on 2 cores measured
 * 50× slower here). Small models get fewer: generating one token of a small model is so little
 * work per layer that waking a second thread costs more than it saves. Measured here, 2 cores
 * (raw generation, tokens/s, 1 thread vs 2): 25M F16 288 vs 129, 63M Q8_0 195 vs 95,
 * 215M Q8_0 37 vs 39, 446M Q8_0 17 vs 26, 1.1B Q8_0 7 vs 13.
 *
 * @param weightBytes the model's weights; omit to get one thread per physical core.
 */
export function chooseThreads(physicalCores: number | null, logicalCores: number, weightBytes?: number): number {
  const cores = Math.max(1, Math.min(physicalCores ?? Math.max(1, Math.floor(logicalCores / 2)), logicalCores))
  if (weightBytes === undefined) return cores
  return Math.max(1, Math.min(cores, Math.ceil(weightBytes / BYTES_PER_THREAD)))
}
