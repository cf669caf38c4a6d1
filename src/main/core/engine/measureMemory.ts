import { performance } from 'node:perf_hooks'
import type { Llama } from 'node-llama-cpp'
import type { LoadSettings, MemorySplit } from '../../../shared/types'
import { contextOptions } from './estimateMemory'
import { readFileWithProgress } from './readFileWithProgress'

export type MeasuredMemory = MemorySplit & {
  /** Tokens written into the KV cache, over all sequences. */
  filledTokens: number
  fillMs: number
  loadMs: number
}

const rss = () => process.memoryUsage.rss()

/**
 * Loads the model, creates the context and fills every sequence's KV cache to the context
 * size, then reports the memory really taken. Filling matters: Linux commits pages only when
 * they are written, so RSS right after creating a context undercounts by tens of percent.
 */
export async function measureMemory(llama: Llama, path: string, settings: LoadSettings): Promise<MeasuredMemory> {
  const vramBefore = llama.gpu ? (await llama.getVramState()).used : 0
  const rssBefore = rss()
  const loadStarted = performance.now()
  await readFileWithProgress(path, () => {}, new AbortController().signal)
  const model = await llama.loadModel({ modelPath: path, gpuLayers: settings.gpuLayers, ignoreMemorySafetyChecks: true })
  const context = await model.createContext(contextOptions(settings))
  const loadMs = performance.now() - loadStarted
  const fillStarted = performance.now()
  try {
    const sequences = Array.from({ length: settings.sequences }, () => context.getSequence())
    // What the tokens are does not change the memory they take; any text will do.
    const text = model.tokenize('Arbor measures the memory a model really takes. ', false)
    const tokens = Array.from({ length: context.contextSize - 1 }, (_, i) => text[i % text.length]!)
    await Promise.all(sequences.map((s) => s.evaluateWithoutGeneratingNewTokens(tokens)))
    const filledTokens = tokens.length * sequences.length
    const fillMs = performance.now() - fillStarted
    const vramAfter = llama.gpu ? (await llama.getVramState()).used : 0
    return { ramBytes: rss() - rssBefore, vramBytes: vramAfter - vramBefore, filledTokens, fillMs, loadMs }
  } finally {
    await context.dispose()
    await model.dispose()
  }
}
