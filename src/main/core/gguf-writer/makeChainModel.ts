import { type LlamaShape, type TensorFill, buildLlamaSpec } from './makeLlamaModel'
import { MIN_VOCAB_SIZE, SPECIAL_IDS, type SpmVocab, buildSpmVocab } from './spmVocab'
import { type GgufKv, writeGguf } from './writeGguf'

/** Vocabulary size of a chain model; also its embedding size, as each token embeds to its own unit vector. */
export const CHAIN_VOCAB_SIZE = 512
/** Output weight from each answer token to the next (logit ≈ weight × √nEmbd after the final RMS norm). */
const CHAIN_WEIGHT = 20
/** Output weight from every other token to the first answer token. */
const START_WEIGHT = 2

export const chainShape = (name: string): LlamaShape => ({
  nLayer: 1,
  nEmbd: CHAIN_VOCAB_SIZE,
  nHead: 8,
  nHeadKv: 1,
  nFf: 32,
  nCtxTrain: 4096,
  vocabSize: CHAIN_VOCAB_SIZE,
  tensorType: 'F16',
  name,
})

/** The vocabulary of a chain model: `pieces` (each with its prefix chain already in), padded to the model's size. */
export const chainVocab = (pieces: readonly string[]): SpmVocab => buildSpmVocab([...new Set(pieces)].slice(0, CHAIN_VOCAB_SIZE - MIN_VOCAB_SIZE), CHAIN_VOCAB_SIZE)

const zeros: TensorFill = (out) => void out.fill(0)

export type ChainModelOptions = {
  /** general.name of the file. */
  name: string
  /** The answer, piece by piece; each piece a token of `vocab`, none repeated (a bigram has one successor per token). */
  answer: readonly string[]
  /**
   * Other answers, each said when the text so far ends with one of the `after` tokens (the last prompt token,
   * such as "assistant\n" after ChatML's `<|im_start|>assistant\n`). Defaults to none.
   */
  cues?: readonly { after: readonly string[]; pieces: readonly string[] }[]
  vocab: SpmVocab
  /** Metadata that replaces the generated entries of the same key (another chat template). Defaults to none. */
  metadata?: readonly GgufKv[]
}

/**
 * Writes a bigram "chain" model (~2.5 MB): a one-layer llama whose block adds nothing (all attention and FFN
 * weights 0), with one-hot token embeddings and an output matrix that maps each answer token to its successor,
 * the last one to `<|im_end|>`, and every other token to the answer's first token. Whatever the prompt, greedy
 * or sampled decoding returns the answer and then ends the turn: a real GGUF that node-llama-cpp runs, with an
 * output a test can predict.
 */
export async function makeChainModel(path: string, options: ChainModelOptions): Promise<void> {
  const { vocab, answer } = options
  const shape = chainShape(options.name)
  const { nEmbd, vocabSize } = shape
  const answerIds = answer.map((p) => vocab.id(p))
  const first = answerIds[0] ?? SPECIAL_IDS.imEnd
  const next = new Int32Array(vocabSize).fill(first)
  const weight = new Float32Array(vocabSize).fill(START_WEIGHT)
  const successorOf = new Map<number, number>()
  const link = (from: number, to: number) => {
    if (successorOf.has(from) && successorOf.get(from) !== to)
      throw new Error(`The piece "${vocab.tokens[from]}" would need two successors: a bigram model gives each token one`)
    successorOf.set(from, to)
    next[from] = to
    weight[from] = CHAIN_WEIGHT
  }
  answerIds.forEach((id, i) => link(id, answerIds[i + 1] ?? SPECIAL_IDS.imEnd))
  for (const cue of options.cues ?? []) {
    const ids = cue.pieces.map((p) => vocab.id(p))
    for (const after of cue.after) link(vocab.id(after), ids[0] ?? SPECIAL_IDS.imEnd)
    ids.forEach((id, i) => link(id, ids[i + 1] ?? SPECIAL_IDS.imEnd))
  }
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
  await writeGguf(path, buildLlamaSpec(shape, { vocab, fill, ...(options.metadata ? { metadata: options.metadata } : {}) }))
}
