import { chainVocab, makeChainModel } from './makeChainModel'
import { COMMON_WORDS, TokenType, expandPrefixChains } from './spmVocab'

/** What the thinking model thinks before it answers, and its answer (to any prompt). */
export const THINKING_TEXT = 'The user says hello. I greet back.'
export const THINKING_ANSWER = 'Hello! How can I help?'

/**
 * ChatML whose answers open with a thought, as Qwen3's and DeepSeek-R1's templates do: the generation prompt ends
 * in `<think>`, and an earlier answer's reasoning is written back between `<think>` and `</think>`.
 */
export const THINKING_TEMPLATE =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n'}}" +
  "{% if message['role'] == 'assistant' and message['reasoning_content'] %}{{'<think>' + message['reasoning_content'] + '</think>'}}{% endif %}" +
  "{{message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n<think>' }}{% endif %}"

const sp = (text: string) => text.replaceAll(' ', '\u2581')

/** The model's output, token by token: the thought (opened by the prompt), `</think>`, the answer. */
export const thinkingPieces = (): string[] => [sp(THINKING_TEXT), '</think>', sp(THINKING_ANSWER)]

/**
 * Writes a chain model (see `makeChainModel`) that thinks, then answers: with its template, node-llama-cpp reads
 * the first part as a thought segment (`<think>`…`</think>`, control tokens here as in real models) and the rest as
 * the answer. For tests of reasoning shown while it streams, without a real reasoning model.
 */
export function makeThinkingModel(path: string): Promise<void> {
  const pieces = thinkingPieces()
  const vocab = chainVocab([...pieces, '<think>', ...expandPrefixChains(COMMON_WORDS)])
  for (const control of ['<think>', '</think>']) vocab.types[vocab.id(control)] = TokenType.control
  return makeChainModel(path, {
    name: 'Arbor thinking test model (generated: thinks, then answers)',
    answer: pieces,
    vocab,
    metadata: [{ key: 'tokenizer.chat_template', type: 'string', value: THINKING_TEMPLATE }],
  })
}
