import { type LlamaShape, type TensorFill, buildLlamaSpec } from './makeLlamaModel'
import { COMMON_WORDS, MIN_VOCAB_SIZE, SPECIAL_IDS, SPM_SPACE, type SpmVocab, buildSpmVocab, expandPrefixChains } from './spmVocab'
import { writeGguf } from './writeGguf'

/** What the demo model answers to any prompt. */
export const DEMO_ANSWER =
  'Hello! I am the Arbor demo model: a tiny generated network that always gives this answer, ' +
  'so you can try every screen without downloading gigabytes.'

export const DEMO_MODEL_NAME = 'Arbor demo (generated, not a real language model)'

/** Vocabulary size of the demo model; also its embedding size, as each token embeds to its own unit vector. */
const DEMO_VOCAB_SIZE = 512
/** Output weight from each answer token to the next (logit ≈ weight × √nEmbd after the final RMS norm). */
const CHAIN_WEIGHT = 20
/** Output weight from every other token to the first answer token. */
const START_WEIGHT = 2

/**
 * The answer as SentencePiece pieces: "Hello", "!", "▁I", "▁am", … The model is a bigram (one successor per
 * token), so every piece must be unique; throws otherwise.
 */
export function demoAnswerPieces(answer: string = DEMO_ANSWER): string[] {
  const pieces = Array.from(answer.matchAll(/( ?)([\p{L}\p{N}]+|[^\s\p{L}\p{N}])/gu), (m) => (m[1] ? SPM_SPACE : '') + (m[2] ?? ''))
  if (pieces.join('').replaceAll(SPM_SPACE, ' ') !== answer) throw new Error('Demo answer must use single spaces between words')
  const seen = new Set<string>()
  for (const p of pieces) {
    if (seen.has(p)) throw new Error(`Demo answer repeats the piece "${p}"; a bigram model can give each token one successor only`)
    seen.add(p)
  }
  return pieces
}

/** The demo vocabulary: the answer's pieces, the answer's words with a leading space, then common words. */
export function demoVocab(): SpmVocab {
  const answer = demoAnswerPieces()
  const words = DEMO_ANSWER.split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '')
  const pieces = [
    ...new Set([
      ...expandPrefixChains(answer, { spacePrefix: false }),
      ...expandPrefixChains(words),
      ...expandPrefixChains(COMMON_WORDS),
    ]),
  ]
  return buildSpmVocab(pieces.slice(0, DEMO_VOCAB_SIZE - MIN_VOCAB_SIZE), DEMO_VOCAB_SIZE)
}

export const demoShape: LlamaShape = {
  nLayer: 1,
  nEmbd: DEMO_VOCAB_SIZE,
  nHead: 8,
  nHeadKv: 1,
  nFf: 32,
  nCtxTrain: 4096,
  vocabSize: DEMO_VOCAB_SIZE,
  tensorType: 'F16',
  name: DEMO_MODEL_NAME,
}

const zeros: TensorFill = (out) => void out.fill(0)

/**
 * Writes the demo model (~2.5 MB): a one-layer llama whose block adds nothing (all attention and FFN
 * weights 0), with one-hot token embeddings and an output matrix that maps each token to its successor
 * in `DEMO_ANSWER`, the last answer token to `<|im_end|>`, and every other token to the answer's first
 * token. Whatever the prompt, greedy or sampled decoding returns `DEMO_ANSWER` and then ends the turn.
 */
export async function makeDemoModel(path: string): Promise<void> {
  const vocab = demoVocab()
  const { nEmbd, vocabSize } = demoShape
  const answerIds = demoAnswerPieces().map((p) => vocab.id(p))
  const first = answerIds[0] ?? SPECIAL_IDS.imEnd
  const next = new Int32Array(vocabSize).fill(first)
  const weight = new Float32Array(vocabSize).fill(START_WEIGHT)
  answerIds.forEach((id, i) => {
    next[id] = answerIds[i + 1] ?? SPECIAL_IDS.imEnd
    weight[id] = CHAIN_WEIGHT
  })
  const fill = (name: string): TensorFill | undefined => {
    // token_embd is [nEmbd, vocab]: element (e, v) sits at v * nEmbd + e and is 1 when e = v.
    if (name === 'token_embd.weight')
      return (out, offset) => {
        for (let j = 0; j < out.length; j++) {
          const i = offset + j
          out[j] = i % nEmbd === Math.floor(i / nEmbd) ? 1 : 0
        }
      }
    // output is [nEmbd, vocab]: the logit of token t from input dimension s sits at t * nEmbd + s.
    if (name === 'output.weight')
      return (out, offset) => {
        for (let j = 0; j < out.length; j++) {
          const i = offset + j
          const s = i % nEmbd
          out[j] = s < vocabSize && next[s] === Math.floor(i / nEmbd) ? (weight[s] ?? 0) : 0
        }
      }
    return name.endsWith('_norm.weight') ? undefined : zeros
  }
  await writeGguf(path, buildLlamaSpec(demoShape, { vocab, fill }))
}
