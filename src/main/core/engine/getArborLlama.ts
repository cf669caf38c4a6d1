import { getLlama, LlamaLogLevel, type Llama } from 'node-llama-cpp'

export type ArborLlamaOptions = {
  /** GPU backend to use: `auto` tries CUDA, Vulkan and Metal from the prebuilt binaries. Defaults to `ARBOR_GPU` or `auto`. */
  gpu?: 'auto' | false
}

let shared: Promise<Llama> | null = null

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
    // Arbor passes explicit threads to every context; no cap keeps that number exact.
    maxThreads: 0,
  }).catch((error: unknown) => {
    shared = null
    throw error
  })
  return shared
}
