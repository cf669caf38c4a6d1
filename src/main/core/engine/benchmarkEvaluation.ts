import { performance } from 'node:perf_hooks'
import type { Llama, LlamaModel } from 'node-llama-cpp'

export type RawSpeed = {
  threads: number
  /** Prompt processing: tokens evaluated in one batch, per second (llama-bench's pp). */
  promptTokensPerSecond: number
  /** Generation: one token evaluated and sampled at a time, per second (llama-bench's tg). */
  generationTokensPerSecond: number
}

/** A model loaded once for raw measurements: each `measure` runs on a fresh context, as llama-bench does. */
export async function openRawBench(llama: Llama, path: string): Promise<{ measure(threads: number, options: { promptTokens: number; generateTokens: number }): Promise<RawSpeed>; dispose(): Promise<void> }> {
  const model = await llama.loadModel({ modelPath: path, gpuLayers: llama.gpu ? 'max' : 0 })
  // Warm up: the first evaluation pays the page faults of the mapped weights.
  await measureSpeed(model, 1, { promptTokens: 32, generateTokens: 4 })
  return { measure: (threads, options) => measureSpeed(model, threads, options), dispose: () => model.dispose() }
}

/** Loads the model once and measures raw speed for each thread count. */
export async function benchmarkEvaluation(
  llama: Llama,
  path: string,
  threadCounts: number[],
  options: { promptTokens: number; generateTokens: number },
): Promise<RawSpeed[]> {
  const model = await llama.loadModel({ modelPath: path, gpuLayers: llama.gpu ? 'max' : 0 })
  try {
    // Warm up: the first evaluation pays the page faults of the mapped weights.
    await measureSpeed(model, threadCounts[0] ?? 1, { promptTokens: 32, generateTokens: 4 })
    const results: RawSpeed[] = []
    for (const threads of threadCounts) results.push(await measureSpeed(model, threads, options))
    return results
  } finally {
    await model.dispose()
  }
}

/**
 * Measures raw evaluation speed on a fresh context, as llama-bench does: `promptTokens` in one
 * go, then `generateTokens` one by one, greedy. No chat template, no detokenizing.
 */
async function measureSpeed(
  model: LlamaModel,
  threads: number,
  options: { promptTokens: number; generateTokens: number },
): Promise<RawSpeed> {
  const context = await model.createContext({ contextSize: options.promptTokens + options.generateTokens + 64, threads })
  try {
    const sequence = context.getSequence()
    const text = model.tokenize('The quick brown fox jumps over the lazy dog while the tree grows. ', false)
    const prompt = Array.from({ length: options.promptTokens }, (_, i) => text[i % text.length]!)
    let started = performance.now()
    await sequence.evaluateWithoutGeneratingNewTokens(prompt)
    const promptMs = performance.now() - started
    let generated = 0
    started = performance.now()
    for await (const token of sequence.evaluate([text[0]!], { temperature: 0 })) {
      void token
      if (++generated >= options.generateTokens) break
    }
    const genMs = performance.now() - started
    return {
      threads,
      promptTokensPerSecond: (options.promptTokens * 1000) / promptMs,
      generationTokensPerSecond: (generated * 1000) / genMs,
    }
  } finally {
    await context.dispose()
  }
}
