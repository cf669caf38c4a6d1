import { performance } from 'node:perf_hooks'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import type { Llama } from 'node-llama-cpp'
import type { LoadSettings } from '../../../shared/types'
import type { MeasuredMemory } from './Engine'
import { contextOptions } from './estimateMemory'
import { readFileWithProgress } from './readFileWithProgress'

setFlagsFromString('--expose-gc')
const collectGarbage = runInNewContext('gc') as () => void

/**
 * Resident memory of the process as the model costs it: everything outside the JavaScript heap (llama.cpp's
 * buffers, the mapped weights it touched) plus what is alive in the heap once the garbage is collected
 * (node-llama-cpp's own tables). The heap's committed size is left out: how much of it V8 holds or gave back
 * between two readings is noise (it made one load measure 81 or 103 MB).
 */
const rss = () => {
  collectGarbage()
  const { rss, heapTotal, heapUsed } = process.memoryUsage()
  return rss - heapTotal + heapUsed
}

/**
 * Loads the model, creates the context and fills every sequence's KV cache to the context
 * size, then reports the memory really taken. Filling matters: Linux commits pages only when
 * they are written, so RSS right after creating a context undercounts by tens of percent.
 */
export async function measureMemory(llama: Llama, path: string, settings: LoadSettings): Promise<MeasuredMemory> {
  const vramBefore = llama.gpu ? (await llama.getVramState()).used : 0
  const loadStarted = performance.now()
  // Into the page cache first, as a load does, with a small buffer taken before the baseline: a read buffer
  // freed or not by the next garbage collection must not count as the model's memory.
  await readFileWithProgress(path, () => {}, new AbortController().signal, 256 << 10)
  const rssBefore = rss()
  const model = await llama.loadModel({ modelPath: path, gpuLayers: settings.gpuLayers, ignoreMemorySafetyChecks: true })
  const context = await model.createContext(contextOptions(settings)).catch(async (error: unknown) => {
    // A context that cannot be created must not leave the model loaded.
    await model.dispose()
    throw error
  })
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
