import type { ArborCore } from '../src/main/core/ArborCore'
import { openRawBench } from '../src/main/core/engine/benchmarkEvaluation'
import { getArborLlama } from '../src/main/core/engine/getArborLlama'
import type { LoadSettings } from '../src/shared/types'
import { llamaBenchBinary, runLlamaBench } from './llamaBench'
import { competition, samples, type Samples } from './stats'

/** Prompt processing and generation, tokens per second, over the repeats. */
export type Speed = { pp: Samples; tg: Samples }

export type SpeedComparison = {
  threads: number
  repeats: number
  /** node-llama-cpp's sequence evaluated directly (llama-bench's method: no template, no detokenizing). */
  raw: Speed
  /** Through Arbor's chat path: the tree, the turn runner, the engine port, the chat template, events. */
  chat: Speed
  /** llama-bench on the same file and threads, when `LLAMA_BENCH` names it. */
  llamaBench: Speed | null
  /** Other processes took more than a quarter of a core on average during the run: figures are low and noisy. */
  busy: boolean
  /** Cores other processes kept busy on average during the run. */
  otherCores: number
}

const PROMPT_TOKENS = 128
const GENERATE_TOKENS = 64
const unwrap = <T>(r: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }): T => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`)
  return r.value
}

/**
 * The three ways of running the same model, interleaved (each repeat runs all three, in a rotating order) so that
 * a machine that slows down for a while slows all three alike; each figure is the median of the repeats.
 */
export async function compareSpeeds(core: ArborCore, path: string, settings: LoadSettings, repeats = 5): Promise<SpeedComparison> {
  const llamaBench = llamaBenchBinary()
  const raw = await openRawBench(await getArborLlama(), path)
  const values = { raw: { pp: [] as number[], tg: [] as number[] }, chat: { pp: [] as number[], tg: [] as number[] }, llamaBench: { pp: [] as number[], tg: [] as number[] } }
  const others = competition()
  try {
    unwrap(await core.request('model.load', { path, settings }))
    const prompt = (i: number) => `Repeat ${i}. ` + 'Tell me everything about the branches of the tree and the roots below it. '.repeat(8)
    const runs: Record<keyof typeof values, (i: number) => Promise<void>> = {
      raw: async () => {
        const r = await raw.measure(settings.threads, { promptTokens: PROMPT_TOKENS, generateTokens: GENERATE_TOKENS })
        values.raw.pp.push(r.promptTokensPerSecond)
        values.raw.tg.push(r.generationTokensPerSecond)
      },
      chat: async (i) => {
        unwrap(await core.request('session.new', undefined))
        const { assistant } = unwrap(await core.request('chat.send', { text: prompt(i), maxTokens: GENERATE_TOKENS }))
        const s = assistant.stats!
        values.chat.pp.push((s.evaluatedTokens * 1000) / s.timeToFirstTokenMs)
        values.chat.tg.push(s.tokensPerSecond)
      },
      llamaBench: async () => {
        if (!llamaBench) return
        const r = await runLlamaBench(llamaBench, path, { threads: settings.threads, gpuLayers: settings.gpuLayers, promptTokens: PROMPT_TOKENS, generateTokens: GENERATE_TOKENS })
        values.llamaBench.pp.push(r.promptTokensPerSecond)
        values.llamaBench.tg.push(r.generationTokensPerSecond)
      },
    }
    const order = ['raw', 'chat', 'llamaBench'] as const
    for (let i = 0; i < repeats; i++) for (let k = 0; k < order.length; k++) await runs[order[(i + k) % order.length]!](i)
  } finally {
    await raw.dispose()
    await core.request('model.unload', undefined)
  }
  const speed = (v: { pp: number[]; tg: number[] }): Speed => ({ pp: samples(v.pp), tg: samples(v.tg) })
  const { busy, otherCores } = others.stop()
  return { threads: settings.threads, repeats, raw: speed(values.raw), chat: speed(values.chat), llamaBench: llamaBench ? speed(values.llamaBench) : null, busy, otherCores }
}
