import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { buildHostScript } from './buildHostScript'
import { emptyCallContext } from './emptyCallContext'
import { openSingleExtension } from './openSingleExtension'

export type ExtensionHostMeasurement = {
  /** Launching a host process until its extension is loaded (median of `starts`). */
  hostStartMs: number
  /** Reading its manifest and compiling it with esbuild (median). */
  compileMs: number
  /** A no-op command from the core to the host and back. */
  roundTripMs: { median: number; p95: number }
  /** Resident memory of one idle host process. */
  rssBytes: number
  heapUsedBytes: number
}

const NOOP = `export default function (arbor) { arbor.registerCommand('noop', { description: 'Does nothing', run: () => '' }) }\n`

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] ?? 0
}

/**
 * Benchmark of the extension host (no assertions): start time, round trip of a no-op command, memory.
 * @param options.starts Hosts started one after the other. Defaults to `5`.
 * @param options.roundTrips Sequential calls. Defaults to `500`.
 */
export async function measureExtensionHost(options: { starts?: number; roundTrips?: number } = {}): Promise<ExtensionHostMeasurement> {
  const folder = await mkdtemp(join(os.tmpdir(), 'arbor-bench-ext-'))
  const file = join(folder, 'noop.js')
  await writeFile(file, NOOP)
  await buildHostScript()
  const startTimes: number[] = []
  const compileTimes: number[] = []
  const trips: number[] = []
  let memory = { rssBytes: 0, heapUsedBytes: 0 }
  try {
    for (let i = 0; i < (options.starts ?? 5); i++) {
      const began = performance.now()
      const opened = await openSingleExtension(file)
      if (!opened.ok) throw new Error(opened.error.message)
      startTimes.push(opened.value.startMs)
      compileTimes.push(performance.now() - began - opened.value.startMs)
      const host = opened.value.host
      if (i === 0) {
        const ctx = emptyCallContext()
        for (let n = 0; n < (options.roundTrips ?? 500); n++) {
          const t = performance.now()
          await host.call('command', 'noop', '', ctx)
          trips.push(performance.now() - t)
        }
        memory = (await host.stats()) ?? memory
      }
      await host.dispose()
    }
  } finally {
    await rm(folder, { recursive: true, force: true })
  }
  return {
    hostStartMs: percentile(startTimes, 0.5),
    compileMs: percentile(compileTimes, 0.5),
    roundTripMs: { median: percentile(trips, 0.5), p95: percentile(trips, 0.95) },
    ...memory,
  }
}
