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

/**
 * Threads for evaluation: one per physical core. Hyper-threads share a core's vector units and
 * slow matrix work down; more threads than cores makes every thread wait (4 threads on 2 cores
 * measured 50× slower here).
 */
export function chooseThreads(physicalCores: number | null, logicalCores: number): number {
  const cores = physicalCores ?? Math.max(1, Math.floor(logicalCores / 2))
  return Math.max(1, Math.min(cores, logicalCores))
}
