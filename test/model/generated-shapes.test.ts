import { type ControlledEvaluateInputItem, type Llama, type Token, LlamaCompletion, LlamaLogLevel, getLlama } from 'node-llama-cpp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ShapeName, estimateParams, shapes } from '../../src/main/core/gguf-writer'
import { getShapePath } from '../helpers/fixtures'

// Always pin 2 threads: node-llama-cpp's default picks 4 on this 2-core machine and runs ~50× slower.
const THREADS = 2

let llama: Llama

beforeAll(async () => {
  llama = await getLlama({ gpu: false, maxThreads: THREADS, logLevel: LlamaLogLevel.error })
})

afterAll(async () => {
  await llama?.dispose()
})

const tested: ShapeName[] = ['tiny', 'gqa', 'tied']

describe.each(tested)('generated shape %s', (name) => {
  it('loads, gives finite logits and generates deterministically', async () => {
    const shape = shapes[name]
    const started = performance.now()
    const model = await llama.loadModel({ modelPath: await getShapePath(name) })
    const loadMs = performance.now() - started
    try {
      expect(model.trainContextSize).toBe(shape.nCtxTrain)
      expect(model.fileInfo.architectureMetadata.attention?.head_count_kv).toBe(shape.nHeadKv)
      const tensors = model.fileInfo.tensorInfo ?? []
      expect(tensors.some((t) => t.name === 'output.weight')).toBe(!('tiedEmbeddings' in shape && shape.tiedEmbeddings))
      const params = tensors.reduce((s, t) => s + t.dimensions.reduce<number>((a, d) => a * Number(d), 1), 0)
      expect(params).toBe(estimateParams(shape))

      const context = await model.createContext({ threads: THREADS, contextSize: 256, sequences: 1 })
      try {
        const sequence = context.getSequence()
        const bos = model.tokens.bos
        const prompt = [...(bos === null ? [] : [bos]), ...model.tokenize('The old tree said hello to the world')]
        const input: ControlledEvaluateInputItem[] = prompt.map((t, i) => (i < prompt.length - 1 ? t : [t, { generateNext: { logits: true } }]))
        const out = (await sequence.controlledEvaluate(input)).at(-1)
        const logits = [...(out?.next.logits?.values() ?? [])]
        expect(logits).toHaveLength(shape.vocabSize)
        expect(logits.every(Number.isFinite)).toBe(true)
        expect(Math.max(...logits)).toBeGreaterThan(Math.min(...logits))
        await sequence.clearHistory()

        const completion = new LlamaCompletion({ contextSequence: sequence })
        const run = async () => {
          await sequence.clearHistory()
          const tokens: Token[] = []
          const t0 = performance.now()
          await completion.generateCompletion('Hello world, the', { maxTokens: 16, temperature: 0, onToken: (t) => void tokens.push(...t) })
          return { tokens, ms: performance.now() - t0 }
        }
        const first = await run()
        const second = await run()
        expect(first.tokens.length).toBeGreaterThan(0)
        expect(second.tokens).toEqual(first.tokens)
        console.info(
          `${name}: load ${loadMs.toFixed(0)} ms, ${first.tokens.length} tokens at ` +
            `${((second.tokens.length / second.ms) * 1000).toFixed(0)} tok/s (${THREADS} threads)`,
        )
        completion.dispose()
      } finally {
        await context.dispose()
      }
    } finally {
      await model.dispose()
    }
  })
})
