import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { ErrorCode } from '../../src/shared/errors'
import { buildLlamaSpec } from '../../src/main/core/gguf-writer/makeLlamaModel'
import { shapes } from '../../src/main/core/gguf-writer/shapes'
import { writeGguf, type GgufKv, type GgufSpec } from '../../src/main/core/gguf-writer/writeGguf'

/** A model file made to crash llama.cpp (each was found to abort or hang a process that loads it). */
export type CraftedModel = { name: string; path: string; code: ErrorCode; reason: RegExp }

type Craft = { name: string; code?: ErrorCode; reason: RegExp; metadata?: GgufKv[]; edit?: (spec: GgufSpec) => void; patchType?: { tensor: string; typeId: number } }

const u32 = (key: string, value: number): GgufKv => ({ key, type: 'uint32', value })
const f32 = (key: string, value: number): GgufKv => ({ key, type: 'float32', value })
const str = (key: string, value: string): GgufKv => ({ key, type: 'string', value })
const I32 = 26

/** Replaces an array-valued metadata entry of the spec. */
function editArray(spec: GgufSpec, key: string, edit: (values: unknown[]) => unknown[]): void {
  const kv = spec.metadata.find((entry) => entry.key === key) as { value: ArrayLike<unknown> } | undefined
  if (!kv) throw new Error(`no ${key}`)
  const next = edit(Array.from(kv.value))
  kv.value = (typeof next[0] === 'number' ? Int32Array.from(next as number[]) : next) as never
}

const crafts: Craft[] = [
  { name: 'block-count-0', reason: /0 layers/, metadata: [u32('llama.block_count', 0)] },
  { name: 'block-count-600', reason: /600 layers/, metadata: [u32('llama.block_count', 600)] },
  { name: 'experts-2000', reason: /2000 experts/, metadata: [u32('llama.expert_count', 2000), u32('llama.expert_used_count', 2)] },
  { name: 'experts-used-over-count', reason: /uses 9 of its 4 experts/, metadata: [u32('llama.expert_count', 4), u32('llama.expert_used_count', 9)] },
  // Found by the fuzz benchmark: the probe's small-context simulation passed, the recommendation's search up to the
  // trained context did not come back (and killed the process).
  { name: 'context-length-4e9', reason: /trained context of 4,294,967,295 tokens/, metadata: [u32('llama.context_length', 4294967295)] },
  { name: 'head-count-0', reason: /0 attention heads/, metadata: [u32('llama.attention.head_count', 0)] },
  { name: 'head-count-kv-3', reason: /4 attention heads cannot be shared among 3/, metadata: [u32('llama.attention.head_count_kv', 3)] },
  { name: 'rms-epsilon-nan', reason: /NaN/, metadata: [f32('llama.attention.layer_norm_rms_epsilon', Number.NaN)] },
  { name: 'rope-scaling-bogus', reason: /rope scaling type "bogus"/, metadata: [str('llama.rope.scaling.type', 'bogus')] },
  { name: 'tokenizer-none', reason: /no tokenizer/, metadata: [str('tokenizer.ggml.model', 'none')] },
  { name: 'tokenizer-unknown', reason: /tokenizer "klingon"/, metadata: [str('tokenizer.ggml.model', 'klingon')] },
  {
    name: 'norms-f16',
    reason: /norm "blk\.0\.attn_norm\.weight" is stored as F16/,
    edit: (spec) => {
      const norm = spec.tensors.find((t) => t.name === 'blk.0.attn_norm.weight')!
      ;(norm as { type: string }).type = 'F16'
    },
  },
  { name: 'token-embd-i32', reason: /"token_embd\.weight" is stored as I32/, patchType: { tensor: 'token_embd.weight', typeId: I32 } },
  { name: 'attn-q-i32', reason: /"blk\.0\.attn_q\.weight" is stored as I32/, patchType: { tensor: 'blk.0.attn_q.weight', typeId: I32 } },
  // These need the vocabulary, which the header check skips: the probe process meets them and llama.cpp aborts there.
  {
    name: 'duplicate-tokens',
    reason: /llama\.cpp (stopped on this file|could not use this file)/,
    edit: (spec) => editArray(spec, 'tokenizer.ggml.tokens', (tokens) => tokens.map((t, i) => (i === 400 ? tokens[401] : t))),
  },
  {
    name: 'spm-without-byte-tokens',
    reason: /llama\.cpp (stopped on this file|could not use this file)/,
    edit: (spec) => {
      editArray(spec, 'tokenizer.ggml.tokens', (tokens) => tokens.map((t, i) => (/^<0x[0-9A-F]{2}>$/.test(String(t)) ? `nobyte${i}` : t)))
      editArray(spec, 'tokenizer.ggml.token_type', (types) => types.map((t) => (t === 6 ? 1 : t)))
    },
  },
  {
    // Found by the fuzz benchmark (seed 3, case 9820): one byte token renamed. Loading works; the first text the
    // vocabulary cannot cover without that byte makes llama.cpp throw out of its tokenizer and abort the app.
    name: 'one-byte-token-missing',
    reason: /no token for the byte 0x77/,
    edit: (spec) => editArray(spec, 'tokenizer.ggml.tokens', (tokens) => tokens.map((t) => (t === '<0x77>' ? '\ufffd0x77>' : t))),
  },
  {
    name: 'template-loops',
    code: 'GGUF_TOO_SLOW',
    reason: /chat template was still rendering/,
    metadata: [str('tokenizer.chat_template', '{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}{{ messages[0].content }}')],
  },
]

/** Sets the stored type of one tensor in a written file's header (same size, so offsets stay valid). */
async function patchTensorType(path: string, tensor: string, typeId: number): Promise<void> {
  const bytes = await readFile(path)
  const name = Buffer.from(tensor)
  let at = bytes.indexOf(name)
  // The name is preceded by its u64 length; then come u32 dims count, the dims (u64 each), the u32 type.
  while (at >= 0 && bytes.readBigUInt64LE(at - 8) !== BigInt(name.length)) at = bytes.indexOf(name, at + 1)
  if (at < 0) throw new Error(`no tensor ${tensor}`)
  const dimsAt = at + name.length
  const nDims = bytes.readUInt32LE(dimsAt)
  bytes.writeUInt32LE(typeId, dimsAt + 4 + 8 * nDims)
  await writeFile(path, bytes)
}

/** Writes every crafted file (from the tiny shape) into `dir`. */
export async function writeCraftedModels(dir: string): Promise<CraftedModel[]> {
  const made: CraftedModel[] = []
  for (const craft of crafts) {
    const spec = buildLlamaSpec(shapes.tiny, craft.metadata ? { metadata: craft.metadata } : {})
    craft.edit?.(spec)
    const path = join(dir, `crafted-${craft.name}.gguf`)
    await writeGguf(path, spec)
    if (craft.patchType) await patchTensorType(path, craft.patchType.tensor, craft.patchType.typeId)
    made.push({ name: craft.name, path, code: craft.code ?? 'GGUF_CORRUPT', reason: craft.reason })
  }
  return made
}
