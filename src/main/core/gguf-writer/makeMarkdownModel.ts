import { chainVocab, makeChainModel } from './makeChainModel'
import { SPM_SPACE } from './spmVocab'

/** What the markdown model answers to any prompt: a heading, emphasis, a list, a table, a fenced code block, a link, math. */
export const MARKDOWN_ANSWER = [
  '## Oak trees',
  '',
  'Oaks are **slow** but *long-lived*:',
  '',
  '- acorns feed jays',
  '- bark has tannin',
  '',
  '| tree | height |',
  '|---|---|',
  '| oak | 40 m |',
  '| birch | 25 m |',
  '',
  '```ts',
  'const age = rings.length',
  'console.log(age)',
  '```',
  '',
  'Area: $\\pi r^2$. See [the oak](https://en.wikipedia.org/wiki/Oak).',
].join('\n')

export const MARKDOWN_MODEL_NAME = 'Arbor markdown demo (generated, answers in markdown)'

/**
 * The answer cut into pieces that are each one token: every line with its newline, except the empty lines, which
 * join the line before (a bigram model may use each token once, and "\n" recurs). Spaces are SentencePiece's "▁".
 */
export function markdownAnswerPieces(answer: string = MARKDOWN_ANSWER): string[] {
  const lines = answer.split('\n')
  const pieces: string[] = []
  for (const [i, line] of lines.entries()) {
    const text = i < lines.length - 1 ? `${line}\n` : line
    if (line === '' && pieces.length) pieces[pieces.length - 1] += text
    else pieces.push(text)
  }
  const spm = pieces.map((p) => p.replaceAll(' ', SPM_SPACE))
  if (new Set(spm).size !== spm.length) throw new Error('The markdown answer repeats a line; a bigram model can give each token one successor only')
  return spm
}

/** Writes a chain model (see `makeChainModel`) that answers `MARKDOWN_ANSWER` to any prompt. */
export function makeMarkdownModel(path: string): Promise<void> {
  const answer = markdownAnswerPieces()
  return makeChainModel(path, { name: MARKDOWN_MODEL_NAME, answer, vocab: chainVocab(answer) })
}
