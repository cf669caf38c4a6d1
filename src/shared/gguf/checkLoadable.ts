import { ArborFailure } from '../errors'
import { ggmlTypes } from './ggmlTypes'
import type { GgufHeaderScan } from './scanGgufHeader'

/** llama.cpp's own limits (`llama-hparams.h` of the version node-llama-cpp ships); past them it aborts. */
export const LLAMA_MAX_LAYERS = 512
export const LLAMA_MAX_EXPERTS = 1024
/** `LLAMA_ROPE_SCALING_TYPES` in `llama-model.cpp`: any other name throws inside the loader. */
const ROPE_SCALING_TYPES = new Set(['none', 'linear', 'yarn', 'longrope'])
/** Tokenizer models `llama-vocab.cpp` knows, less `none`/`no_vocab` (nothing to chat with). */
const TOKENIZER_MODELS = new Set(['llama', 'bert', 'gpt2', 'hybriddna', 'whitespace', 't5', 'rwkv', 'plamo2', 'gemma4'])
/** Integer storage types: a weight of these types makes ggml assert or read out of bounds. */
const INTEGER_TYPES = new Set([24, 25, 26, 27]) // I8, I16, I32, I64
const F64 = 28
/** Past this a trained context is corruption (the largest real ones are about 10M tokens). */
const MAX_TRAINED_CONTEXT = 1 << 30
const F32 = 0

const corrupt = (reason: string) => new ArborFailure('GGUF_CORRUPT', `Arbor did not load this file: ${reason}. llama.cpp would stop the whole app on it.`)

const isNorm = (name: string) => /(^|\.|_)norm(_\w+)?\.weight$/.test(name)

/**
 * What llama.cpp asserts on (and so kills the process) that the header alone shows: layer and expert counts out of
 * range, zero or inconsistent head counts, unknown rope scaling or tokenizer, non-finite hyper-parameters, tensors of
 * types their role cannot have. Throws `GGUF_CORRUPT` with the reason; pure, so it runs before any native code.
 * What needs the vocabulary (duplicate tokens, byte tokens) is caught by the probe process instead.
 */
export function checkLoadable(scan: GgufHeaderScan): void {
  const meta = scan.metadata
  const arch = String(meta.get('general.architecture'))
  const key = (name: string) => meta.get(`${arch}.${name}`)

  for (const [name, value] of meta)
    if (typeof value === 'number' && !Number.isFinite(value)) throw corrupt(`"${name}" is ${value}`)

  const layers = key('block_count')
  if (layers !== undefined) {
    if (typeof layers !== 'number' || !Number.isInteger(layers) || layers < 1 || layers > LLAMA_MAX_LAYERS)
      throw corrupt(`it says it has ${String(layers)} layers (llama.cpp takes 1 to ${LLAMA_MAX_LAYERS})`)
  }

  const experts = key('expert_count')
  const expertsUsed = key('expert_used_count')
  if (typeof experts === 'number' && experts > 0) {
    if (experts > LLAMA_MAX_EXPERTS) throw corrupt(`it says it has ${experts} experts (llama.cpp takes at most ${LLAMA_MAX_EXPERTS})`)
    if (typeof expertsUsed !== 'number' || expertsUsed < 1 || expertsUsed > experts)
      throw corrupt(`it uses ${String(expertsUsed)} of its ${experts} experts per token`)
  } else if (typeof expertsUsed === 'number' && expertsUsed > 0) {
    throw corrupt(`it uses ${expertsUsed} experts per token but has none`)
  }

  const hasAttention = scan.tensors.some((t) => /^blk\.\d+\.attn_(q|qkv)\.weight$/.test(t.name))
  const heads = key('attention.head_count')
  const headsKv = key('attention.head_count_kv')
  if (hasAttention && typeof heads === 'number') {
    if (heads < 1) throw corrupt(`it has attention weights but ${heads} attention heads`)
    if (typeof headsKv === 'number' && (headsKv < 1 || heads % headsKv !== 0))
      throw corrupt(`its ${heads} attention heads cannot be shared among ${headsKv} key/value heads`)
    const embedding = key('embedding_length')
    if (key('attention.key_length') === undefined && typeof embedding === 'number' && embedding % heads !== 0)
      throw corrupt(`its embedding size ${embedding} does not divide into ${heads} heads`)
  }
  const trained = key('context_length')
  if (typeof trained === 'number' && trained > MAX_TRAINED_CONTEXT)
    throw corrupt(`it claims a trained context of ${trained.toLocaleString('en-US')} tokens (no model has more than ${MAX_TRAINED_CONTEXT.toLocaleString('en-US')})`)
  for (const name of ['embedding_length', 'context_length', 'feed_forward_length']) {
    const value = key(name)
    if (typeof value === 'number' && value < 0) throw corrupt(`"${arch}.${name}" is ${value}`)
  }
  for (const name of ['attention.layer_norm_rms_epsilon', 'attention.layer_norm_epsilon']) {
    const value = key(name)
    if (typeof value === 'number' && !(value > 0)) throw corrupt(`"${arch}.${name}" is ${value}; it must be above 0`)
  }

  const ropeScaling = key('rope.scaling.type')
  if (ropeScaling !== undefined && !ROPE_SCALING_TYPES.has(String(ropeScaling)))
    throw corrupt(`its rope scaling type "${String(ropeScaling)}" is not one llama.cpp knows`)

  const tokenizer = meta.get('tokenizer.ggml.model')
  if (tokenizer !== undefined && !TOKENIZER_MODELS.has(String(tokenizer)))
    throw corrupt(
      tokenizer === 'none' || tokenizer === 'no_vocab'
        ? 'it has no tokenizer, so no text can go in or come out'
        : `its tokenizer "${String(tokenizer)}" is not one llama.cpp knows`,
    )

  for (const tensor of scan.tensors) {
    const type = ggmlTypes[tensor.type]
    if (!type) throw corrupt(`tensor "${tensor.name}" has the unknown type ${tensor.type}`)
    if (tensor.dims.some((d) => d < 1)) throw corrupt(`tensor "${tensor.name}" has an empty dimension (${tensor.dims.join('×')})`)
    if (INTEGER_TYPES.has(tensor.type) || tensor.type === F64) throw corrupt(`tensor "${tensor.name}" is stored as ${type.name}, which no weight can be`)
    if (isNorm(tensor.name) && tensor.type !== F32) throw corrupt(`norm "${tensor.name}" is stored as ${type.name}; llama.cpp needs F32 norms`)
  }
}
