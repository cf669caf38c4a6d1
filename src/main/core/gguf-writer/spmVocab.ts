/** SentencePiece's word-boundary marker: a space is stored as U+2581 at the start of a piece. */
export const SPM_SPACE = '\u2581'

/** The standard ChatML Jinja chat template. */
export const CHATML_TEMPLATE =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"

/** llama.cpp token types (`tokenizer.ggml.token_type`). */
export const TokenType = { normal: 1, unknown: 2, control: 3, userDefined: 4, unused: 5, byte: 6 } as const

/** Special tokens, in id order: they always take ids 0-4, and the 256 byte tokens follow. */
export const SPECIAL_TOKENS = ['<unk>', '<s>', '</s>', '<|im_start|>', '<|im_end|>'] as const
export const SPECIAL_IDS = { unk: 0, bos: 1, eos: 2, imStart: 3, imEnd: 4 } as const
export const FIRST_BYTE_ID = SPECIAL_TOKENS.length
export const FIRST_PIECE_ID = FIRST_BYTE_ID + 256
/** Smallest vocabulary: the special tokens and the 256 byte tokens. */
export const MIN_VOCAB_SIZE = FIRST_PIECE_ID

/** Common English words, so that generated models tokenize everyday text into words rather than bytes. */
export const COMMON_WORDS = (
  'the of and to a in is it you that he was for on are with as I his they be at one have this from or had by ' +
  'hot word but what some we can out other were all there when up use your how said an each she which do their ' +
  'time if will way about many then them write would like so these her long make thing see him two has look more ' +
  'day could go come did number sound no most people my over know water than call first who may down side been ' +
  'now find any new work part take get place made live where after back little only round man year came show ' +
  'every good me give our under name very through just form sentence great think say help low line differ turn ' +
  'cause much mean before move right boy old too same tell does set three want air well also play small end put ' +
  'home read hand port large spell add even land here must big high such follow act why ask men change went ' +
  'light kind off need house picture try us again animal point mother world near build self earth father model ' +
  'hello question answer code file data run test'
).split(' ')

export type PrefixChainOptions = {
  /** Prefix each word with "▁" (a preceding space) unless it already starts with it. Defaults to `true`. */
  spacePrefix?: boolean
}

/**
 * Expands words into SentencePiece pieces with the prefix-chain property llama.cpp's SPM tokenizer needs:
 * it only merges two adjacent pieces when their concatenation is itself a token, so "▁Hello" is reachable
 * only if "▁H", "▁He", "▁Hel" and "▁Hell" are tokens too. Returns unique pieces, shorter prefixes first
 * within each word; single characters are kept only when a word is one character long.
 */
export function expandPrefixChains(words: readonly string[], options: PrefixChainOptions = {}): string[] {
  const spacePrefix = options.spacePrefix ?? true
  const out = new Set<string>()
  for (const word of words) {
    if (word === '') continue
    const piece = spacePrefix && !word.startsWith(SPM_SPACE) ? SPM_SPACE + word : word
    const chars = Array.from(piece)
    if (chars.length === 1) out.add(piece)
    for (let n = 2; n <= chars.length; n++) out.add(chars.slice(0, n).join(''))
  }
  return [...out]
}

/** Endless filler pieces "▁a".."▁z", "▁aa".."▁zz", …: breadth-first, so every prefix comes before its extensions. */
export function* fillerPieces(): Generator<string> {
  const letters = 'abcdefghijklmnopqrstuvwxyz'
  let level = [SPM_SPACE]
  for (;;) {
    const next: string[] = []
    for (const prefix of level)
      for (const c of letters) {
        next.push(prefix + c)
      }
    yield* next
    level = next
  }
}

export type SpmVocab = {
  tokens: string[]
  scores: Float32Array
  types: Int32Array
  /** Token id of a piece or special token; throws when absent. */
  id(token: string): number
}

export const byteToken = (b: number): string => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`

/**
 * Builds a SentencePiece-style vocabulary: the special tokens, 256 byte-fallback tokens, then `pieces`
 * (see `expandPrefixChains`), padded with `fillerPieces` up to `size`. Longer pieces score higher, so the
 * tokenizer prefers them.
 */
export function buildSpmVocab(pieces: readonly string[], size?: number): SpmVocab {
  const tokens: string[] = [...SPECIAL_TOKENS]
  for (let b = 0; b < 256; b++) tokens.push(byteToken(b))
  const seen = new Set(tokens)
  for (const p of pieces) {
    if (seen.has(p)) continue
    seen.add(p)
    tokens.push(p)
  }
  const target = size ?? tokens.length
  if (tokens.length > target)
    throw new Error(`Vocabulary needs ${tokens.length} tokens for its pieces but vocabSize is ${target}`)
  const filler = fillerPieces()
  while (tokens.length < target) {
    const p = filler.next().value as string // an endless generator always yields a value
    if (seen.has(p)) continue
    seen.add(p)
    tokens.push(p)
  }
  const scores = new Float32Array(tokens.length)
  const types = new Int32Array(tokens.length)
  types.fill(TokenType.normal)
  types[SPECIAL_IDS.unk] = TokenType.unknown
  for (let i = 1; i < FIRST_BYTE_ID; i++) types[i] = TokenType.control
  for (let i = FIRST_BYTE_ID; i < FIRST_PIECE_ID; i++) types[i] = TokenType.byte
  // Longer pieces first; among equal lengths, earlier pieces first (a tiny tie-break).
  for (let i = FIRST_PIECE_ID; i < tokens.length; i++)
    scores[i] = Array.from(tokens[i] ?? '').length - i / (tokens.length * 16)
  const index = new Map(tokens.map((t, i) => [t, i]))
  return {
    tokens,
    scores,
    types,
    id(token) {
      const id = index.get(token)
      if (id === undefined) throw new Error(`Token "${token}" is not in the vocabulary`)
      return id
    },
  }
}
