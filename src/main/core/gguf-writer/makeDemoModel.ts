import { CHAIN_VOCAB_SIZE, chainShape, chainVocab, makeChainModel } from './makeChainModel'
import { COMMON_WORDS, MIN_VOCAB_SIZE, SPM_SPACE, type SpmVocab, expandPrefixChains } from './spmVocab'

/** What the demo model answers to any prompt. */
export const DEMO_ANSWER =
  'Hello! I am the Arbor demo model: a tiny generated network that always gives this answer, ' +
  'so you can try every screen without downloading gigabytes.'

export const DEMO_MODEL_NAME = 'Arbor demo (generated, not a real language model)'

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
  const words = DEMO_ANSWER.split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '')
  const pieces = [...expandPrefixChains(demoAnswerPieces(), { spacePrefix: false }), ...expandPrefixChains(words), ...expandPrefixChains(COMMON_WORDS)]
  return chainVocab([...new Set(pieces)].slice(0, CHAIN_VOCAB_SIZE - MIN_VOCAB_SIZE))
}

export const demoShape = chainShape(DEMO_MODEL_NAME)

/** Writes the demo model: a chain model (see `makeChainModel`) that answers `DEMO_ANSWER` to any prompt. */
export const makeDemoModel = (path: string): Promise<void> => makeChainModel(path, { name: DEMO_MODEL_NAME, answer: demoAnswerPieces(), vocab: demoVocab() })
