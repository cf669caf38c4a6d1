import { performance } from 'node:perf_hooks'
import { getLlama, LlamaLogLevel, type Llama } from 'node-llama-cpp'

export type ArborLlamaOptions = {
  /** GPU backend to use: `auto` tries CUDA, Vulkan and Metal from the prebuilt binaries. Defaults to `ARBOR_GPU` or `auto`. */
  gpu?: 'auto' | false
}

let shared: Promise<Llama> | null = null

/** llama.cpp's recent error lines (it says why a load failed there, not in the exception). */
const recentErrors: { at: number; line: string }[] = []
const ERRORS_KEPT = 32

function logLlama(_level: LlamaLogLevel, message: string): void {
  const line = message.trim()
  if (!line) return
  process.stderr.write(`[node-llama-cpp] ${line}\n`)
  recentErrors.push({ at: performance.now(), line: line.slice(0, 500) })
  if (recentErrors.length > ERRORS_KEPT) recentErrors.shift()
}

/** llama.cpp's error lines logged since `since` (a `performance.now()` time), oldest first. */
export function llamaErrorsSince(since: number): string[] {
  return recentErrors.filter((entry) => entry.at >= since).map((entry) => entry.line)
}

/**
 * The one llama.cpp binding of the process. Only prebuilt binaries are used: building
 * llama.cpp from source on a user's machine at first start takes many minutes.
 */
export function getArborLlama(options: ArborLlamaOptions = {}): Promise<Llama> {
  const gpu = options.gpu ?? (process.env.ARBOR_GPU === 'false' ? false : 'auto')
  shared ??= getLlama({
    gpu,
    build: 'never',
    logLevel: LlamaLogLevel.error,
    progressLogs: false,
    logger: logLlama,
    // Arbor passes explicit threads to every context; no cap keeps that number exact.
    maxThreads: 0,
  }).catch((error: unknown) => {
    shared = null
    throw error
  })
  return shared
}
