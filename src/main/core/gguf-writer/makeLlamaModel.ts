import { type GgufKv, type GgufSpec, type GgufTensorSpec, type GgufTensorType, Q8_0_BLOCK, writeGguf } from './writeGguf'
import {
  CHATML_TEMPLATE, COMMON_WORDS, MIN_VOCAB_SIZE, SPECIAL_IDS, type SpmVocab, buildSpmVocab, expandPrefixChains,
} from './spmVocab'

export { expandPrefixChains } from './spmVocab'

export type LlamaShape = {
  nLayer: number
  nEmbd: number
  nHead: number
  /** KV heads; grouped-query attention when less than `nHead`. */
  nHeadKv: number
  nFf: number
  nCtxTrain: number
  /** Total vocabulary: 5 special tokens + 256 byte tokens + word pieces. */
  vocabSize: number
  /** Storage type of the weight matrices; norms are always F32. */
  tensorType: GgufTensorType
  /** Share `token_embd.weight` as the output projection (no `output.weight`). Defaults to `false`. */
  tiedEmbeddings?: boolean
  /** Seed of the pseudo-random weights. Defaults to `1`. */
  seed?: number
  /** `general.name`. Defaults to a description of the shape. */
  name?: string
}

/** Chunk filler of one tensor; see `GgufTensorSpec.fill`. */
export type TensorFill = GgufTensorSpec['fill']

export type MakeLlamaModelOptions = {
  /** Progress of the file write, in bytes. Defaults to `undefined` (no reports). */
  onProgress?(bytesWritten: number, bytesTotal: number): void
  /** Words whose prefix chains fill the vocabulary before filler pieces. Defaults to `COMMON_WORDS`. */
  words?: readonly string[]
  /** A ready vocabulary, used instead of `words`; its size must equal `shape.vocabSize`. Defaults to `undefined`. */
  vocab?: SpmVocab
  /** Per-tensor data override; return undefined to keep the seeded random weights. Defaults to `undefined`. */
  fill?(name: string, dims: readonly number[]): TensorFill | undefined
  /** Metadata added after, or replacing same-key entries of, the generated metadata. Defaults to `[]`. */
  metadata?: readonly GgufKv[]
}

export type LlamaTensorLayout = { name: string; dims: number[]; isNorm: boolean }

const fileTypeIds: Record<GgufTensorType, number> = { F32: 0, F16: 1, Q8_0: 7 }

/** Throws a descriptive error when llama.cpp could not load a model of this shape. */
export function validateShape(shape: LlamaShape): void {
  const positive = ['nLayer', 'nEmbd', 'nHead', 'nHeadKv', 'nFf', 'nCtxTrain', 'vocabSize'] as const
  for (const key of positive)
    if (!Number.isInteger(shape[key]) || shape[key] < 1) throw new Error(`LlamaShape.${key} must be a positive integer, got ${shape[key]}`)
  if (shape.nEmbd % shape.nHead !== 0) throw new Error(`nEmbd (${shape.nEmbd}) must be divisible by nHead (${shape.nHead})`)
  if ((shape.nEmbd / shape.nHead) % 2 !== 0) throw new Error(`Head size nEmbd/nHead (${shape.nEmbd / shape.nHead}) must be even for RoPE`)
  if (shape.nHead % shape.nHeadKv !== 0) throw new Error(`nHead (${shape.nHead}) must be divisible by nHeadKv (${shape.nHeadKv})`)
  if (shape.vocabSize < MIN_VOCAB_SIZE)
    throw new Error(`vocabSize must be at least ${MIN_VOCAB_SIZE} (5 special + 256 byte tokens), got ${shape.vocabSize}`)
  if (!['F32', 'F16', 'Q8_0'].includes(shape.tensorType)) throw new Error(`Unsupported tensorType "${shape.tensorType}"`)
  if (shape.tensorType === 'Q8_0')
    for (const key of ['nEmbd', 'nFf'] as const)
      if (shape[key] % Q8_0_BLOCK !== 0)
        throw new Error(`Q8_0 needs ${key} divisible by ${Q8_0_BLOCK} (it is a row length, ne0), got ${key}=${shape[key]}`)
}

/** Tensor names and GGUF dims (ne0 first), as llama.cpp's llama architecture expects them. */
export function llamaTensorLayout(shape: LlamaShape): LlamaTensorLayout[] {
  const { nEmbd, nFf, vocabSize } = shape
  const kvDim = (nEmbd / shape.nHead) * shape.nHeadKv
  const out: LlamaTensorLayout[] = [{ name: 'token_embd.weight', dims: [nEmbd, vocabSize], isNorm: false }]
  for (let l = 0; l < shape.nLayer; l++) {
    const b = `blk.${l}.`
    out.push(
      { name: `${b}attn_norm.weight`, dims: [nEmbd], isNorm: true },
      { name: `${b}attn_q.weight`, dims: [nEmbd, nEmbd], isNorm: false },
      { name: `${b}attn_k.weight`, dims: [nEmbd, kvDim], isNorm: false },
      { name: `${b}attn_v.weight`, dims: [nEmbd, kvDim], isNorm: false },
      { name: `${b}attn_output.weight`, dims: [nEmbd, nEmbd], isNorm: false },
      { name: `${b}ffn_norm.weight`, dims: [nEmbd], isNorm: true },
      { name: `${b}ffn_gate.weight`, dims: [nEmbd, nFf], isNorm: false },
      { name: `${b}ffn_up.weight`, dims: [nEmbd, nFf], isNorm: false },
      { name: `${b}ffn_down.weight`, dims: [nFf, nEmbd], isNorm: false },
    )
  }
  out.push({ name: 'output_norm.weight', dims: [nEmbd], isNorm: true })
  if (!shape.tiedEmbeddings) out.push({ name: 'output.weight', dims: [nEmbd, vocabSize], isNorm: false })
  return out
}

/** Number of parameters (elements of all tensors) of a model of this shape. */
export function estimateParams(shape: LlamaShape): number {
  const { nLayer, nEmbd, nFf, vocabSize } = shape
  const kvDim = (nEmbd / shape.nHead) * shape.nHeadKv
  const perLayer = 2 * nEmbd + 2 * nEmbd * nEmbd + 2 * nEmbd * kvDim + 3 * nEmbd * nFf
  return nEmbd * vocabSize * (shape.tiedEmbeddings ? 1 : 2) + nLayer * perLayer + nEmbd
}

/** Default `general.name` of a shape. */
export function describeShape(shape: LlamaShape): string {
  const m = estimateParams(shape) / 1e6
  const size = m >= 1000 ? `${(m / 1000).toFixed(2)}B` : `${m.toFixed(m < 10 ? 1 : 0)}M`
  return `Arbor generated llama ${size} ${shape.tensorType} (random weights, not a real language model)`
}

/** GGUF metadata for a llama model of this shape with this vocabulary. */
export function llamaMetadata(shape: LlamaShape, vocab: SpmVocab): GgufKv[] {
  const headDim = shape.nEmbd / shape.nHead
  const metadata: GgufKv[] = [
    { key: 'general.architecture', type: 'string', value: 'llama' },
    { key: 'general.name', type: 'string', value: shape.name ?? describeShape(shape) },
    { key: 'general.file_type', type: 'uint32', value: fileTypeIds[shape.tensorType] },
    { key: 'llama.context_length', type: 'uint32', value: shape.nCtxTrain },
    { key: 'llama.embedding_length', type: 'uint32', value: shape.nEmbd },
    { key: 'llama.block_count', type: 'uint32', value: shape.nLayer },
    { key: 'llama.feed_forward_length', type: 'uint32', value: shape.nFf },
    { key: 'llama.attention.head_count', type: 'uint32', value: shape.nHead },
    { key: 'llama.attention.head_count_kv', type: 'uint32', value: shape.nHeadKv },
    { key: 'llama.rope.dimension_count', type: 'uint32', value: headDim },
    { key: 'llama.rope.freq_base', type: 'float32', value: 10000 },
    { key: 'llama.attention.layer_norm_rms_epsilon', type: 'float32', value: 1e-5 },
    { key: 'llama.vocab_size', type: 'uint32', value: shape.vocabSize },
    { key: 'tokenizer.ggml.model', type: 'string', value: 'llama' },
    { key: 'tokenizer.ggml.tokens', type: 'array', itemType: 'string', value: vocab.tokens },
    { key: 'tokenizer.ggml.scores', type: 'array', itemType: 'float32', value: vocab.scores },
    { key: 'tokenizer.ggml.token_type', type: 'array', itemType: 'int32', value: vocab.types },
    { key: 'tokenizer.ggml.bos_token_id', type: 'uint32', value: SPECIAL_IDS.bos },
    // Chat turns end with <|im_end|>: making it EOS (and EOT) stops generation there.
    { key: 'tokenizer.ggml.eos_token_id', type: 'uint32', value: SPECIAL_IDS.imEnd },
    { key: 'tokenizer.ggml.eot_token_id', type: 'uint32', value: SPECIAL_IDS.imEnd },
    { key: 'tokenizer.ggml.unknown_token_id', type: 'uint32', value: SPECIAL_IDS.unk },
    { key: 'tokenizer.ggml.padding_token_id', type: 'uint32', value: SPECIAL_IDS.unk },
    { key: 'tokenizer.ggml.add_bos_token', type: 'bool', value: true },
    { key: 'tokenizer.ggml.add_eos_token', type: 'bool', value: false },
    { key: 'tokenizer.ggml.add_space_prefix', type: 'bool', value: true },
    { key: 'tokenizer.chat_template', type: 'string', value: CHATML_TEMPLATE },
  ]
  if (shape.tensorType === 'Q8_0') metadata.push({ key: 'general.quantization_version', type: 'uint32', value: 2 })
  return metadata
}

/** 32-bit integer hash (lowbias32): a bijection with good avalanche, used as a counter-based PRNG. */
export function hash32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d)
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b)
  return (x ^ (x >>> 16)) >>> 0
}

function stringKey(seed: number, s: string): number {
  let h = hash32(seed >>> 0)
  for (let i = 0; i < s.length; i++) h = hash32(h ^ s.charCodeAt(i))
  return h
}

/**
 * Seeded uniform weights in [-scale, scale]. Each value depends only on (seed, tensor name, index),
 * so any chunking gives the same tensor.
 */
export function randomFill(seed: number, name: string, scale = 0.02): TensorFill {
  const key = stringKey(seed, name)
  const k = (2 * scale) / 2 ** 32
  return (out, offset) => {
    for (let j = 0; j < out.length; j++) out[j] = hash32(((offset + j) ^ key) >>> 0) * k - scale
  }
}

const ones: TensorFill = (out) => void out.fill(1)

/** Random weights are one tile of this many values per tensor, repeated rotated (see `GgufTensorSpec.repeat`). */
const RANDOM_TILE = 1 << 20

/** The full GGUF spec (metadata and tensors) of a llama model; see `makeLlamaModel`. */
export function buildLlamaSpec(shape: LlamaShape, options: MakeLlamaModelOptions = {}): GgufSpec {
  validateShape(shape)
  const vocab = options.vocab ?? buildSpmVocab(
    expandPrefixChains(options.words ?? COMMON_WORDS).slice(0, shape.vocabSize - MIN_VOCAB_SIZE),
    shape.vocabSize,
  )
  if (vocab.tokens.length !== shape.vocabSize)
    throw new Error(`Vocabulary has ${vocab.tokens.length} tokens but vocabSize is ${shape.vocabSize}`)
  const seed = shape.seed ?? 1
  const tensors = llamaTensorLayout(shape).map(({ name, dims, isNorm }): GgufTensorSpec => {
    const type = isNorm ? 'F32' : shape.tensorType
    const fill = options.fill?.(name, dims)
    if (fill) return { name, dims, type, fill }
    return isNorm ? { name, dims, type, fill: ones } : { name, dims, type, fill: randomFill(seed, name), repeat: RANDOM_TILE }
  })
  const extra = options.metadata ?? []
  const replaced = new Set(extra.map((kv) => kv.key))
  const metadata = [...llamaMetadata(shape, vocab).filter((kv) => !replaced.has(kv.key)), ...extra]
  return { metadata, tensors }
}

/**
 * Writes a llama-architecture GGUF file with deterministic pseudo-random weights (±0.02, norms 1),
 * a SentencePiece vocabulary and a ChatML chat template. llama.cpp loads and runs it; the output is noise.
 */
export async function makeLlamaModel(path: string, shape: LlamaShape, options: MakeLlamaModelOptions = {}): Promise<void> {
  const spec = buildLlamaSpec(shape, options)
  await writeGguf(path, spec, options.onProgress ? { onProgress: options.onProgress } : {})
}
