import { chainVocab, makeChainModel } from './makeChainModel'
import { COMMON_WORDS, byteToken, expandPrefixChains } from './spmVocab'

/** What a tool-calling chain model does, piece by piece (every piece unique: a bigram has one successor per token). */
export type ToolCallingScript = {
  /** The call it makes first, in the default function-calling syntax of node-llama-cpp's chat wrappers. */
  call: readonly string[]
  /** What it says after a tool result (or anywhere else). */
  answer: readonly string[]
  /** Call again after every result instead of answering: a model that never stops calling. Defaults to `false`. */
  repeat?: boolean
}

/** `||call: echo({"text": "hi"})`, then "The tool said hi." */
export const ECHO_SCRIPT: ToolCallingScript = {
  call: ['||', 'call', ':', '▁echo', '(', '{"', 'text', '":', '▁"', 'hi', '"}', ')'],
  answer: ['The', '▁tool', '▁said', '▁hi', '.'],
}

/**
 * `||call: read({"path": "hello.txt", "offset": null, "limit": null})` (Pi's `read` tool, its optional arguments as
 * the grammar asks for them), then "The file says hi." For a test of the real Pi agent against Arbor's API.
 */
export const READ_SCRIPT: ToolCallingScript = {
  call: ['||', 'call', ':▁', 'read', '(', '{"', 'path', '":', '▁"', 'hello', '.txt', '",▁"', 'offset', '":▁null', ',▁"', 'limit', '":▁nul', 'l}', ')'],
  answer: ['The', '▁file', '▁says', '▁hi', '.'],
}

export const toolScriptText = (pieces: readonly string[]): string => pieces.join('').replaceAll('▁', ' ')

/**
 * Writes a chain model (see `makeChainModel`) that calls a tool: with ChatML, the prompt of a new answer ends
 * with the token "assistant\n", after which it writes `script.call`; node-llama-cpp's function calling parses
 * that (the grammar of the tool's schema allows exactly those tokens). After the result (which ends with "\n")
 * it answers `script.answer`, or calls again when `repeat` is set. Real weights, real parsing: the tool-calling
 * pipeline can be tested end to end without a real model.
 */
export function makeToolCallingModel(path: string, script: ToolCallingScript = ECHO_SCRIPT): Promise<void> {
  const vocab = chainVocab([
    ...expandPrefixChains([...script.call, ...script.answer], { spacePrefix: false }),
    ...expandPrefixChains(['assistant\n'], { spacePrefix: false }),
    ...expandPrefixChains(COMMON_WORDS),
  ])
  return makeChainModel(path, {
    name: `Arbor tool-calling test model (calls ${toolScriptText(script.call)})`,
    answer: script.answer,
    cues: [{ after: script.repeat ? ['assistant\n', byteToken(0x0a)] : ['assistant\n'], pieces: script.call }],
    vocab,
  })
}
