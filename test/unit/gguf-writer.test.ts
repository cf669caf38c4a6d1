import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, open, readFile, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type GgufFileInfo, readGgufFileInfo } from 'node-llama-cpp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  DEMO_ANSWER, type GgufTensorSpec, type LlamaShape, SPECIAL_IDS, buildSpmVocab, demoAnswerPieces, demoShape,
  demoVocab, estimateParams, expandPrefixChains, fromFloat16Bits, makeLlamaModel, randomFill, shapes,
  toFloat16Bits, validateShape, writeGguf,
} from '../../src/main/core/gguf-writer'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'arbor-gguf-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const ramp = (scale: number): GgufTensorSpec['fill'] => (out, offset) => {
  for (let j = 0; j < out.length; j++) out[j] = Math.sin((offset + j) * 0.37) * scale
}

async function readBytes(path: string, position: number, length: number): Promise<Buffer> {
  const handle = await open(path, 'r')
  try {
    const buf = Buffer.alloc(length)
    await handle.read(buf, 0, length, position)
    return buf
  } finally {
    await handle.close()
  }
}

function tensor(info: GgufFileInfo, name: string) {
  const t = info.tensorInfo?.find((x) => x.name === name)
  if (!t) throw new Error(`missing tensor ${name}`)
  return t
}

describe('toFloat16Bits', () => {
  it('encodes like IEEE binary16 with round-to-nearest-even', () => {
    const cases: [number, number][] = [
      [0, 0x0000], [-0, 0x8000], [1, 0x3c00], [-2, 0xc000], [0.1, 0x2e66], [1 / 3, 0x3555], [65504, 0x7bff],
      [65520, 0x7c00], [Infinity, 0x7c00], [-Infinity, 0xfc00], [2 ** -24, 0x0001], [2 ** -14, 0x0400],
      [2 ** -26, 0x0000], [1 + 2 ** -11, 0x3c00], [1 + 3 * 2 ** -11, 0x3c02],
    ]
    for (const [v, bits] of cases) expect(toFloat16Bits(v), `f16(${v})`).toBe(bits)
    expect(toFloat16Bits(NaN) & 0x7c00).toBe(0x7c00)
    expect(Number.isNaN(fromFloat16Bits(toFloat16Bits(NaN)))).toBe(true)
    for (const v of [0.02, -0.0137, 3.5, 1e-5, -700]) expect(fromFloat16Bits(toFloat16Bits(v))).toBeCloseTo(v, 4)
  })
})

describe('writeGguf', () => {
  it('writes typed metadata and F32/F16/Q8_0 tensors that node-llama-cpp parses back', async () => {
    const path = join(dir, 'raw.gguf')
    const progress: [number, number][] = []
    await writeGguf(
      path,
      {
        metadata: [
          { key: 'general.architecture', type: 'string', value: 'llama' },
          { key: 't.u8', type: 'uint8', value: 200 },
          { key: 't.i8', type: 'int8', value: -5 },
          { key: 't.u16', type: 'uint16', value: 60000 },
          { key: 't.i16', type: 'int16', value: -30000 },
          { key: 't.u32', type: 'uint32', value: 4_000_000_000 },
          { key: 't.i32', type: 'int32', value: -7 },
          { key: 't.f32', type: 'float32', value: 0.5 },
          { key: 't.f64', type: 'float64', value: 1 / 3 },
          { key: 't.u64', type: 'uint64', value: 2n ** 60n },
          { key: 't.i64', type: 'int64', value: -42 },
          { key: 't.yes', type: 'bool', value: true },
          { key: 't.no', type: 'bool', value: false },
          { key: 't.str', type: 'string', value: 'héllo ▁wörld' },
          { key: 't.strs', type: 'array', itemType: 'string', value: ['a', '', '<0x0A>'] },
          { key: 't.i32s', type: 'array', itemType: 'int32', value: [1, -2, 3] },
          { key: 't.u32s', type: 'array', itemType: 'uint32', value: new Uint32Array([7, 8]) },
          { key: 't.f32s', type: 'array', itemType: 'float32', value: new Float32Array([0.25, -1.5]) },
        ],
        tensors: [
          { name: 'a', dims: [3, 5], type: 'F32', fill: ramp(1) },
          { name: 'b', dims: [64, 3], type: 'F16', fill: ramp(0.02) },
          { name: 'c', dims: [64, 3, 2], type: 'Q8_0', fill: ramp(0.5) },
        ],
      },
      { onProgress: (w, t) => progress.push([w, t]), chunkElements: 64 },
    )
    expect(existsSync(`${path}.tmp`)).toBe(false)
    const info = await readGgufFileInfo(path, { logWarnings: false })
    const size = (await stat(path)).size
    expect(info.version).toBe(3)
    expect(info.tensorCount).toBe(3)
    // Keys are nested by dots; the parser returns them as such.
    const t = (info.metadata as unknown as { t: Record<string, unknown> }).t
    expect(t).toMatchObject({ u8: 200, i8: -5, u16: 60000, i16: -30000, u32: 4_000_000_000, i32: -7, f32: 0.5, yes: true, no: false })
    expect(t.f64).toBeCloseTo(1 / 3, 12)
    expect(t.u64).toBe(2n ** 60n)
    expect(Number(t.i64)).toBe(-42)
    expect(t.str).toBe('héllo ▁wörld')
    expect(t.strs).toEqual(['a', '', '<0x0A>'])
    expect(t.i32s).toEqual([1, -2, 3])
    expect(t.u32s).toEqual([7, 8])
    expect(t.f32s).toEqual([0.25, -1.5])
    expect(info.metadata.general.alignment).toBe(32)

    const [a, b, c] = ['a', 'b', 'c'].map((n) => tensor(info, n))
    expect(a?.dimensions).toEqual([3, 5])
    expect([a?.ggmlType, b?.ggmlType, c?.ggmlType]).toEqual([0, 1, 8])
    for (const x of [a, b, c]) expect(Number(x?.fileOffset) % 32).toBe(0)
    expect(size).toBe(Math.ceil((Number(c?.fileOffset) + 12 * 34) / 32) * 32) // the data section is padded to the alignment
    expect(progress.at(-1)).toEqual([size, size])
    expect(progress.every(([w, tot], i) => tot === size && w > (progress[i - 1]?.[0] ?? 0))).toBe(true)

    const expected = new Float32Array(15)
    ramp(1)(expected, 0)
    const rawA = await readBytes(path, Number(a?.fileOffset), 60)
    expect(new Float32Array(rawA.buffer, rawA.byteOffset, 15)).toEqual(expected)

    const rawB = await readBytes(path, Number(b?.fileOffset), 192 * 2)
    const wantB = new Float32Array(192)
    ramp(0.02)(wantB, 0)
    for (let i = 0; i < 192; i++) expect(Math.abs(fromFloat16Bits(rawB.readUInt16LE(i * 2)) - (wantB[i] ?? 0))).toBeLessThan(1e-5)

    const rawC = await readBytes(path, Number(c?.fileOffset), 12 * 34)
    const wantC = new Float32Array(384)
    ramp(0.5)(wantC, 0)
    for (let blk = 0; blk < 12; blk++) {
      const d = fromFloat16Bits(rawC.readUInt16LE(blk * 34))
      let amax = 0
      for (let j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(wantC[blk * 32 + j] ?? 0))
      expect(d).toBeCloseTo(amax / 127, 4)
      for (let j = 0; j < 32; j++) {
        const q = rawC.readInt8(blk * 34 + 2 + j)
        expect(Math.abs(q)).toBeLessThanOrEqual(127)
        expect(Math.abs(q * d - (wantC[blk * 32 + j] ?? 0))).toBeLessThanOrEqual(d * 0.57) // half a step, plus the f16 rounding of the scale
      }
    }
  })

  it('writes a repeated tensor as whole-block rotations of its first tile, at the exact size', async () => {
    const path = join(dir, 'repeat.gguf')
    // 5.5 tiles of 64 values: copies 1..4 rotated, the last one half a tile.
    const dims = [64, 176] as const
    const bytes = ((64 * 176) / 32) * 34
    const tiles = (64 * 176) / 2048
    await writeGguf(path, { metadata: [], tensors: [{ name: 'w', dims, type: 'Q8_0', fill: ramp(0.5), repeat: 2048 }] })
    const info = await readGgufFileInfo(path, { logWarnings: false })
    const w = tensor(info, 'w')
    const tileBytes = (2048 / 32) * 34
    const data = await readBytes(path, Number(w?.fileOffset), Math.ceil(tiles) * tileBytes)
    expect((await stat(path)).size).toBe(Math.ceil((Number(w?.fileOffset) + bytes) / 32) * 32)
    const first = data.subarray(0, tileBytes)
    const twice = Buffer.concat([first, first])
    const shifts = new Set<number>()
    for (let copy = 1; copy < tiles; copy++) {
      const part = data.subarray(copy * tileBytes, Math.min((copy + 1) * tileBytes, bytes))
      const at = twice.indexOf(part)
      expect(at % 34, `copy ${copy}`).toBe(0)
      shifts.add(at)
    }
    expect(shifts.size).toBeGreaterThan(1)
  })

  it('leaves neither the file nor its .tmp when generation fails', async () => {
    const path = join(dir, 'broken.gguf')
    const fail: GgufTensorSpec['fill'] = () => {
      throw new Error('boom')
    }
    await expect(writeGguf(path, { metadata: [], tensors: [{ name: 'x', dims: [32], type: 'F32', fill: fail }] })).rejects.toThrow('boom')
    expect((await readdir(dir)).filter((f) => f.startsWith('broken'))).toEqual([])
  })

  it('rejects bad tensor specs', async () => {
    const spec = (t: Partial<GgufTensorSpec>) => ({ metadata: [], tensors: [{ name: 'x', dims: [64], type: 'F32' as const, fill: ramp(1), ...t }] })
    await expect(writeGguf(join(dir, 'bad.gguf'), spec({ type: 'Q8_0', dims: [48, 2] }))).rejects.toThrow(/Q8_0 needs ne0 divisible by 32/)
    await expect(writeGguf(join(dir, 'bad.gguf'), spec({ dims: [0] }))).rejects.toThrow(/invalid dims/)
  })
})

describe('vocabulary', () => {
  it('expands words into prefix chains', () => {
    expect(expandPrefixChains(['Hello', 'I', 'Help'])).toEqual(['▁H', '▁He', '▁Hel', '▁Hell', '▁Hello', '▁I', '▁Help'])
    expect(expandPrefixChains(['Hi', '!'], { spacePrefix: false })).toEqual(['Hi', '!'])
    const vocab = buildSpmVocab(expandPrefixChains(['cat']), 300)
    expect(vocab.tokens.slice(0, 5)).toEqual(['<unk>', '<s>', '</s>', '<|im_start|>', '<|im_end|>'])
    expect(vocab.tokens[5 + 0x0a]).toBe('<0x0A>')
    expect(vocab.id('▁cat')).toBe(263)
    expect(vocab.scores[vocab.id('▁cat')]).toBeGreaterThan(vocab.scores[vocab.id('▁ca')] ?? Infinity)
    expect(new Set(vocab.tokens).size).toBe(300)
    for (const tok of vocab.tokens.slice(261)) if (tok.length > 2) expect(vocab.tokens).toContain(tok.slice(0, -1))
  })

  it('demo answer is made of unique pieces present in the demo vocabulary', () => {
    const pieces = demoAnswerPieces()
    expect(pieces.join('').replaceAll('▁', ' ')).toBe(DEMO_ANSWER)
    expect(new Set(pieces).size).toBe(pieces.length)
    const vocab = demoVocab()
    expect(vocab.tokens.length).toBe(demoShape.vocabSize)
    expect(demoShape.nEmbd).toBeGreaterThanOrEqual(demoShape.vocabSize)
    for (const p of pieces) expect(vocab.id(p)).toBeGreaterThan(SPECIAL_IDS.imEnd)
    expect(() => demoAnswerPieces('I see, I see.')).toThrow(/repeats the piece/)
  })
})

describe('makeLlamaModel', () => {
  const base: LlamaShape = { nLayer: 2, nEmbd: 64, nHead: 4, nHeadKv: 2, nFf: 96, nCtxTrain: 512, vocabSize: 320, tensorType: 'F16' }

  it('writes a llama model whose header matches the shape', async () => {
    const path = join(dir, 'tiny.gguf')
    await makeLlamaModel(path, base)
    const info = await readGgufFileInfo(path, { logWarnings: false })
    const md = info.metadata
    expect(md.general.architecture).toBe('llama')
    expect(md.general.file_type).toBe(1)
    expect(info.architectureMetadata).toMatchObject({
      context_length: 512, embedding_length: 64, block_count: 2, feed_forward_length: 96, vocab_size: 320,
      attention: { head_count: 4, head_count_kv: 2 }, rope: { dimension_count: 16 },
    })
    expect(md.tokenizer.ggml.model).toBe('llama')
    expect(md.tokenizer.ggml.tokens).toHaveLength(320)
    expect(md.tokenizer.ggml.scores).toHaveLength(320)
    expect(md.tokenizer.ggml.token_type).toHaveLength(320)
    expect(md.tokenizer.ggml.tokens[md.tokenizer.ggml.eos_token_id ?? -1]).toBe('<|im_end|>')
    expect(md.tokenizer.chat_template).toContain('<|im_start|>')
    const tensors = info.tensorInfo ?? []
    expect(tensors).toHaveLength(1 + 2 * 9 + 2)
    expect(tensor(info, 'token_embd.weight').dimensions).toEqual([64, 320])
    expect(tensor(info, 'blk.1.attn_k.weight').dimensions).toEqual([64, 32])
    expect(tensor(info, 'blk.1.attn_q.weight').dimensions).toEqual([64, 64])
    expect(tensor(info, 'blk.0.ffn_down.weight').dimensions).toEqual([96, 64])
    expect(tensor(info, 'blk.0.ffn_up.weight').dimensions).toEqual([64, 96])
    expect(tensor(info, 'output.weight').dimensions).toEqual([64, 320])
    for (const t of tensors) expect(t.ggmlType, t.name).toBe(t.name.endsWith('norm.weight') ? 0 : 1)
    const params = tensors.reduce((s, t) => s + t.dimensions.reduce<number>((a, d) => a * Number(d), 1), 0)
    expect(params).toBe(estimateParams(base))
    const norm = tensor(info, 'output_norm.weight')
    const raw = await readBytes(path, Number(norm.fileOffset), 64 * 4)
    expect(new Float32Array(raw.buffer, raw.byteOffset, 64).every((v) => v === 1)).toBe(true)
  })

  it('ties embeddings, quantizes Q8_0 and is deterministic per seed', async () => {
    const shape: LlamaShape = { ...base, tensorType: 'Q8_0', tiedEmbeddings: true, nFf: 128 }
    const p1 = join(dir, 'q1.gguf')
    const p2 = join(dir, 'q2.gguf')
    const p3 = join(dir, 'q3.gguf')
    await makeLlamaModel(p1, shape)
    await makeLlamaModel(p2, shape)
    await makeLlamaModel(p3, { ...shape, seed: 2 })
    const info = await readGgufFileInfo(p1, { logWarnings: false })
    expect(info.tensorInfo?.some((t) => t.name === 'output.weight')).toBe(false)
    expect(tensor(info, 'token_embd.weight').ggmlType).toBe(8)
    expect(info.metadata.general.file_type).toBe(7)
    const params = (info.tensorInfo ?? []).reduce((s, t) => s + t.dimensions.reduce<number>((a, d) => a * Number(d), 1), 0)
    expect(params).toBe(estimateParams(shape))
    const sha = async (p: string) => createHash('sha256').update(await readFile(p)).digest('hex')
    expect(await sha(p1)).toBe(await sha(p2))
    expect(await sha(p1)).not.toBe(await sha(p3))
    // Random weights stay small and centred.
    const q = tensor(info, 'blk.0.attn_q.weight')
    const raw = await readBytes(p1, Number(q.fileOffset), 34)
    expect(fromFloat16Bits(raw.readUInt16LE(0))).toBeLessThanOrEqual(0.02 / 127 + 1e-6)
  })

  it('validates shapes with clear errors', () => {
    expect(() => validateShape({ ...base, tensorType: 'Q8_0', nEmbd: 80, nHead: 4 })).toThrow(/Q8_0 needs nEmbd divisible by 32/)
    expect(() => validateShape({ ...base, tensorType: 'Q8_0', nFf: 100 })).toThrow(/Q8_0 needs nFf divisible by 32/)
    expect(() => validateShape({ ...base, nHead: 5 })).toThrow(/divisible by nHead/)
    expect(() => validateShape({ ...base, nHeadKv: 3 })).toThrow(/divisible by nHeadKv/)
    expect(() => validateShape({ ...base, vocabSize: 200 })).toThrow(/vocabSize must be at least 261/)
    expect(() => validateShape({ ...base, nLayer: 0 })).toThrow(/nLayer must be a positive integer/)
  })

  it('random fill is chunking-independent', () => {
    const whole = new Float32Array(100)
    const parts = new Float32Array(100)
    const fill = randomFill(3, 'w')
    fill(whole, 0)
    fill(parts.subarray(0, 37), 0)
    fill(parts.subarray(37), 37)
    expect(parts).toEqual(whole)
    expect(whole.every((v) => Math.abs(v) <= 0.02)).toBe(true)
  })
})

describe('shapes', () => {
  it('are valid and sized as documented', () => {
    for (const shape of Object.values(shapes)) validateShape(shape)
    const m = (s: LlamaShape) => estimateParams(s) / 1e6
    expect(m(shapes.tiny)).toBeGreaterThan(0.8)
    expect(m(shapes.tiny)).toBeLessThan(1.5)
    expect(m(shapes.small)).toBeGreaterThan(20)
    expect(m(shapes.small)).toBeLessThan(30)
    expect(shapes.gqa.nHeadKv).toBeLessThan(shapes.gqa.nHead)
    expect(shapes.tied.tiedEmbeddings).toBe(true)
    expect(estimateParams(shapes.oneB)).toBe(1_104_218_112)
  })
})
