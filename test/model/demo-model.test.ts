import { stat } from 'node:fs/promises'
import { type Llama, type LlamaContext, type LlamaModel, type Token, LlamaChatSession, LlamaLogLevel, getLlama } from 'node-llama-cpp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_ANSWER, DEMO_MODEL_NAME, demoAnswerPieces, demoVocab } from '../../src/main/core/gguf-writer'
import { getDemoModelPath } from '../helpers/fixtures'

// Always pin 2 threads: node-llama-cpp's default picks 4 on this 2-core machine and runs ~50× slower.
const THREADS = 2

let llama: Llama
let model: LlamaModel
let context: LlamaContext
let modelPath: string

beforeAll(async () => {
  modelPath = await getDemoModelPath()
  llama = await getLlama({ gpu: false, maxThreads: THREADS, logLevel: LlamaLogLevel.error })
  model = await llama.loadModel({ modelPath })
  context = await model.createContext({ threads: THREADS, contextSize: 2048, sequences: 1 })
})

afterAll(async () => {
  await context?.dispose()
  await model?.dispose()
  await llama?.dispose()
})

/** A chat session on a fresh history of the context's single sequence. */
function newSession(): LlamaChatSession {
  const sequence = context.getSequence()
  return new LlamaChatSession({ contextSequence: sequence, autoDisposeSequence: true })
}

describe('demo model', () => {
  it('is small and honestly named', async () => {
    expect((await stat(modelPath)).size).toBeLessThan(5 * 1024 * 1024)
    expect(model.fileInfo.metadata.general.name).toBe(DEMO_MODEL_NAME)
    expect(model.tokens.eos).toBe(model.tokenize('<|im_end|>', true)[0])
  })

  it('detokenizes its answer pieces and round-trips the answer through the tokenizer', () => {
    const vocab = demoVocab()
    const ids = demoAnswerPieces().map((p) => vocab.id(p) as Token) // Token is a branded number
    expect(model.detokenize(ids)).toBe(DEMO_ANSWER)
    expect(model.detokenize(model.tokenize(DEMO_ANSWER))).toBe(DEMO_ANSWER)
    // The ChatML prompt ends with a newline byte token after "<|im_start|>assistant".
    expect(model.tokenize('<|im_start|>assistant\n', true).at(-1)).toBe(vocab.id('<0x0A>'))
  })

  it('answers any prompt with DEMO_ANSWER greedily and stops by itself', async () => {
    const session = newSession()
    expect(session.chatWrapper.wrapperName).toMatch(/ChatML|JinjaTemplate/)
    const started = performance.now()
    const result = await session.promptWithMeta('What is the capital of France?', { temperature: 0, maxTokens: 200 })
    const ms = performance.now() - started
    expect(result.responseText).toBe(DEMO_ANSWER)
    expect(result.stopReason).toBe('eogToken')
    console.info(`demo: ${demoAnswerPieces().length} tokens in ${ms.toFixed(0)} ms at ${THREADS} threads`)
    // A second turn in the same chat gives the same answer.
    expect(await session.prompt('I am not sure that is right. Hello?', { temperature: 0, maxTokens: 200 })).toBe(DEMO_ANSWER)
    session.dispose()
  })

  it('gives the same answer when sampling', async () => {
    for (const seed of [1, 42]) {
      const session = newSession()
      const result = await session.promptWithMeta('Tell me a story about a tree.', { temperature: 0.8, seed, maxTokens: 200 })
      expect(result.responseText).toBe(DEMO_ANSWER)
      expect(result.stopReason).toBe('eogToken')
      session.dispose()
    }
  })
})
