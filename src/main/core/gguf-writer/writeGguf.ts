import { randomBytes } from 'node:crypto'
import { open, rename, rm } from 'node:fs/promises'
import { endianness } from 'node:os'

/** GGUF metadata value types, numbered as in the GGUF spec. */
const valueTypeIds = {
  uint8: 0, int8: 1, uint16: 2, int16: 3, uint32: 4, int32: 5, float32: 6,
  bool: 7, string: 8, array: 9, uint64: 10, int64: 11, float64: 12,
} as const

export type GgufScalarType = Exclude<keyof typeof valueTypeIds, 'array' | 'string' | 'bool'>

/** One metadata key/value pair. `uint64`/`int64` accept a bigint for values past 2^53. */
export type GgufKv = { key: string } & (
  | { type: Exclude<GgufScalarType, 'uint64' | 'int64'>; value: number }
  | { type: 'uint64' | 'int64'; value: number | bigint }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'array'; itemType: 'string'; value: readonly string[] }
  | { type: 'array'; itemType: Exclude<GgufScalarType, 'uint64' | 'int64'>; value: ArrayLike<number> }
)

/** Tensor storage types this writer can encode (ggml type ids 0, 1 and 8). */
export type GgufTensorType = 'F32' | 'F16' | 'Q8_0'

export const ggmlTypeIds: Record<GgufTensorType, number> = { F32: 0, F16: 1, Q8_0: 8 }

/** Elements per Q8_0 block; a block is an f16 scale followed by 32 int8 values (34 bytes). */
export const Q8_0_BLOCK = 32

export type GgufTensorSpec = {
  name: string
  /** Dimensions in GGUF order: `ne0` (the contiguous, fastest-moving one) first. */
  dims: readonly number[]
  type: GgufTensorType
  /**
   * Fills `out` with the tensor's float values for flat element indices `offset .. offset + out.length - 1`
   * (row-major with `ne0` fastest). Called with contiguous, increasing offsets; `out` is reused between calls.
   */
  fill: (out: Float32Array, offset: number) => void
  /**
   * When set (a multiple of 32), only the first `repeat` values come from `fill`; the rest of the tensor is their
   * encoding again and again, each copy rotated by a number of blocks taken from the tensor's name and the copy's
   * index. Same size and the same compute for llama.cpp, written at disk speed: a 1.2 GB model in seconds instead
   * of a minute. Defaults to `undefined` (every value from `fill`).
   */
  repeat?: number
}

export type GgufSpec = { metadata: readonly GgufKv[]; tensors: readonly GgufTensorSpec[] }

export type WriteGgufOptions = {
  /** Called after each chunk is written. Defaults to `undefined` (no progress reports). */
  onProgress?(bytesWritten: number, bytesTotal: number): void
  /** Elements generated per chunk; rounded down to a multiple of 32. Defaults to `1 << 20`. */
  chunkElements?: number
}

const ALIGNMENT = 32

export function tensorElementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1)
}

/** Bytes the tensor's data takes in the file (without alignment padding). */
export function tensorDataBytes(type: GgufTensorType, elements: number): number {
  if (type === 'F32') return elements * 4
  if (type === 'F16') return elements * 2
  return (elements / Q8_0_BLOCK) * 34
}

const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a

const scalarSizes: Record<GgufScalarType | 'bool', number> = {
  uint8: 1, int8: 1, bool: 1, uint16: 2, int16: 2, uint32: 4, int32: 4, float32: 4, uint64: 8, int64: 8, float64: 8,
}

/** Growable little-endian byte buffer for the header. */
class ByteSink {
  private buf = Buffer.alloc(1 << 16)
  length = 0
  private ensure(extra: number): void {
    if (this.length + extra <= this.buf.length) return
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.length + extra))
    this.buf.copy(next, 0, 0, this.length)
    this.buf = next
  }
  u8(v: number): void { this.ensure(1); this.buf.writeUInt8(v, this.length); this.length += 1 }
  u32(v: number): void { this.ensure(4); this.buf.writeUInt32LE(v, this.length); this.length += 4 }
  u64(v: number | bigint): void { this.ensure(8); this.buf.writeBigUInt64LE(BigInt(v), this.length); this.length += 8 }
  str(s: string): void {
    const bytes = Buffer.from(s, 'utf8')
    this.u64(bytes.length)
    this.ensure(bytes.length)
    bytes.copy(this.buf, this.length)
    this.length += bytes.length
  }
  scalar(type: GgufScalarType | 'bool', v: number | bigint | boolean): void {
    const size = scalarSizes[type]
    this.ensure(size)
    const o = this.length
    const n = Number(v)
    switch (type) {
      case 'uint8': this.buf.writeUInt8(n, o); break
      case 'int8': this.buf.writeInt8(n, o); break
      case 'bool': this.buf.writeUInt8(v ? 1 : 0, o); break
      case 'uint16': this.buf.writeUInt16LE(n, o); break
      case 'int16': this.buf.writeInt16LE(n, o); break
      case 'uint32': this.buf.writeUInt32LE(n, o); break
      case 'int32': this.buf.writeInt32LE(n, o); break
      case 'float32': this.buf.writeFloatLE(n, o); break
      case 'uint64': this.buf.writeBigUInt64LE(BigInt(v), o); break
      case 'int64': this.buf.writeBigInt64LE(BigInt(v), o); break
      case 'float64': this.buf.writeDoubleLE(n, o); break
    }
    this.length += size
  }
  pad(to: number): void { while (this.length % to !== 0) this.u8(0) }
  bytes(): Buffer { return this.buf.subarray(0, this.length) }
}

function writeKv(sink: ByteSink, kv: GgufKv): void {
  sink.str(kv.key)
  sink.u32(valueTypeIds[kv.type])
  if (kv.type === 'string') sink.str(kv.value)
  else if (kv.type === 'array') {
    sink.u32(valueTypeIds[kv.itemType])
    sink.u64(kv.value.length)
    if (kv.itemType === 'string') for (const s of kv.value) sink.str(s)
    else for (let i = 0; i < kv.value.length; i++) sink.scalar(kv.itemType, kv.value[i] ?? 0)
  } else sink.scalar(kv.type, kv.value)
}

function validate(spec: GgufSpec): void {
  const names = new Set<string>()
  for (const t of spec.tensors) {
    if (names.has(t.name)) throw new Error(`Duplicate tensor name "${t.name}"`)
    names.add(t.name)
    if (t.dims.length < 1 || t.dims.length > 4) throw new Error(`Tensor "${t.name}" must have 1-4 dims, got ${t.dims.length}`)
    if (t.dims.some((d) => !Number.isInteger(d) || d < 1)) throw new Error(`Tensor "${t.name}" has invalid dims [${t.dims.join(', ')}]`)
    if (t.type === 'Q8_0' && (t.dims[0] ?? 0) % Q8_0_BLOCK !== 0)
      throw new Error(`Tensor "${t.name}": Q8_0 needs ne0 divisible by ${Q8_0_BLOCK}, got ne0=${t.dims[0]}`)
  }
  const keys = new Set<string>()
  for (const kv of spec.metadata) {
    if (keys.has(kv.key)) throw new Error(`Duplicate metadata key "${kv.key}"`)
    keys.add(kv.key)
  }
}

/** Header bytes (magic .. padding before tensor data) and each tensor's data offset. */
export function encodeGgufHeader(spec: GgufSpec): { header: Buffer; offsets: number[]; dataBytes: number } {
  validate(spec)
  const metadata = spec.metadata.some((kv) => kv.key === 'general.alignment')
    ? spec.metadata
    : [...spec.metadata, { key: 'general.alignment', type: 'uint32', value: ALIGNMENT } as const]
  const sink = new ByteSink()
  sink.u32(0x46554747) // "GGUF" read as a little-endian uint32
  sink.u32(3)
  sink.u64(spec.tensors.length)
  sink.u64(metadata.length)
  for (const kv of metadata) writeKv(sink, kv)
  const offsets: number[] = []
  let offset = 0
  for (const t of spec.tensors) {
    sink.str(t.name)
    sink.u32(t.dims.length)
    for (const d of t.dims) sink.u64(d)
    sink.u32(ggmlTypeIds[t.type])
    sink.u64(offset)
    offsets.push(offset)
    offset = alignUp(offset + tensorDataBytes(t.type, tensorElementCount(t.dims)), ALIGNMENT)
  }
  sink.pad(ALIGNMENT)
  return { header: Buffer.from(sink.bytes()), offsets, dataBytes: offset }
}

const f32 = new Float32Array(1)
const f32Bits = new Uint32Array(f32.buffer)

/** IEEE half-precision bits of `v`, rounded to nearest even (as ggml's FP32_TO_FP16). */
export function toFloat16Bits(v: number): number {
  f32[0] = v
  const x = f32Bits[0] ?? 0
  const sign = (x >>> 16) & 0x8000
  const exp = (x >>> 23) & 0xff
  const mant = x & 0x7fffff
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 : 0)
  const e = exp - 127 + 15
  if (e >= 0x1f) return sign | 0x7c00
  if (e <= 0) {
    if (e < -10) return sign
    const m = mant | 0x800000
    const shift = 14 - e
    let half = m >>> shift
    const rem = m & ((1 << shift) - 1)
    const mid = 1 << (shift - 1)
    if (rem > mid || (rem === mid && (half & 1) === 1)) half++
    return sign | half
  }
  let half = (e << 10) | (mant >>> 13)
  const rem = mant & 0x1fff
  if (rem > 0x1000 || (rem === 0x1000 && (half & 1) === 1)) half++ // may carry into the exponent: correct
  return sign | half
}

/** Float value of IEEE half-precision bits. */
export function fromFloat16Bits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1
  const exp = (h >>> 10) & 0x1f
  const mant = h & 0x3ff
  if (exp === 0) return sign * mant * 2 ** -24
  if (exp === 0x1f) return mant ? NaN : sign * Infinity
  return sign * (1 + mant / 1024) * 2 ** (exp - 15)
}

/**
 * Encodes `src` into `dst` as `type` (host byte order, which `writeGguf` checks is little-endian);
 * returns bytes written. `dst` must start at an even byte offset and hold `src.length * 4` bytes.
 */
export function encodeTensorChunk(type: GgufTensorType, src: Float32Array, dst: Uint8Array): number {
  if (type === 'F32') {
    dst.set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength))
    return src.byteLength
  }
  const u16 = new Uint16Array(dst.buffer, dst.byteOffset, dst.byteLength >>> 1)
  if (type === 'F16') {
    for (let i = 0; i < src.length; i++) u16[i] = toFloat16Bits(src[i] ?? 0)
    return src.length * 2
  }
  const i8 = new Int8Array(dst.buffer, dst.byteOffset, dst.byteLength)
  let o = 0
  for (let b = 0; b < src.length; b += Q8_0_BLOCK) {
    let amax = 0
    for (let j = 0; j < Q8_0_BLOCK; j++) {
      const a = Math.abs(src[b + j] ?? 0)
      if (a > amax) amax = a
    }
    u16[o >>> 1] = toFloat16Bits(amax / 127)
    const id = amax === 0 ? 0 : 127 / amax
    for (let j = 0; j < Q8_0_BLOCK; j++) {
      const x = (src[b + j] ?? 0) * id
      i8[o + 2 + j] = x < 0 ? -Math.round(-x) : Math.round(x) // roundf: half away from zero
    }
    o += 34
  }
  return o
}

/**
 * Writes a GGUF v3 file. Tensor data is generated and written in chunks, so memory stays at a few MB
 * whatever the model size. The file is written to `path + '.tmp'` and renamed when complete.
 */
export async function writeGguf(path: string, spec: GgufSpec, options: WriteGgufOptions = {}): Promise<void> {
  if (endianness() !== 'LE') throw new Error('writeGguf only supports little-endian hosts')
  const { header, offsets, dataBytes } = encodeGgufHeader(spec)
  const chunkElements = Math.max(Q8_0_BLOCK, Math.floor((options.chunkElements ?? 1 << 20) / Q8_0_BLOCK) * Q8_0_BLOCK)
  const total = header.length + dataBytes
  // Unique: two writers of the same file (two demo creations at once) each finish and rename their own.
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  const handle = await open(tmp, 'wx')
  try {
    let pos = 0
    const put = async (bytes: Buffer): Promise<void> => {
      let done = 0
      while (done < bytes.length) {
        const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, pos + done)
        done += bytesWritten
      }
      pos += bytes.length
      options.onProgress?.(pos, total)
    }
    await put(header)
    const values = new Float32Array(chunkElements)
    const encoded = Buffer.alloc(chunkElements * 4)
    for (const [i, t] of spec.tensors.entries()) {
      const start = header.length + (offsets[i] ?? 0)
      if (pos < start) await put(Buffer.alloc(start - pos))
      const elements = tensorElementCount(t.dims)
      if (t.repeat !== undefined && t.repeat % Q8_0_BLOCK === 0 && elements >= 2 * t.repeat) {
        await putRepeated(t, elements, put)
        continue
      }
      for (let off = 0; off < elements; off += chunkElements) {
        const view = values.subarray(0, Math.min(chunkElements, elements - off))
        t.fill(view, off)
        const n = encodeTensorChunk(t.type, view, encoded)
        await put(encoded.subarray(0, n))
      }
    }
    if (pos < total) await put(Buffer.alloc(total - pos))
    await handle.sync()
  } catch (err) {
    await handle.close()
    await rm(tmp, { force: true })
    throw err
  }
  await handle.close()
  await rename(tmp, path)
}

/** Writes `t` as copies of its first `t.repeat` values' encoding, each rotated (see `GgufTensorSpec.repeat`). */
async function putRepeated(t: GgufTensorSpec, elements: number, put: (bytes: Buffer) => Promise<void>): Promise<void> {
  const repeat = t.repeat ?? 0
  const values = new Float32Array(repeat)
  t.fill(values, 0)
  const tile = Buffer.alloc(repeat * 4)
  const tileBytes = encodeTensorChunk(t.type, values, tile)
  const blocks = repeat / Q8_0_BLOCK
  const blockBytes = tileBytes / blocks
  let key = 0x9e3779b9
  for (let i = 0; i < t.name.length; i++) key = Math.imul(key ^ t.name.charCodeAt(i), 0x01000193) >>> 0
  const doubled = Buffer.concat([tile.subarray(0, tileBytes), tile.subarray(0, tileBytes)])
  for (let copy = 0, done = 0; done < elements; copy++, done += repeat) {
    // A copy is the tile read from a block chosen by the copy's index: every row meets other values.
    const shift = copy === 0 ? 0 : (Math.imul((key ^ copy) >>> 0, 0x2c1b3c6d) >>> 0) % blocks
    const bytes = tensorDataBytes(t.type, Math.min(repeat, elements - done))
    await put(doubled.subarray(shift * blockBytes, shift * blockBytes + bytes))
  }
}
