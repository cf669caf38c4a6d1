import { ArborFailure } from '../errors'
import { tensorBytes, ggmlTypes } from './ggmlTypes'

export type GgufTensorEntry = { name: string; dims: number[]; type: number; offset: number; bytes: number | null }

export type GgufHeaderScan = {
  version: number
  metadata: Map<string, unknown>
  tensors: GgufTensorEntry[]
  /** Byte offset where tensor data starts (aligned). */
  dataOffset: number
  /** Smallest file size that holds every tensor the header names. */
  requiredFileBytes: number
}

/** Limits far above any real model; beyond them a header is corrupt, not large. */
const MAX_COUNT = 10_000_000
const MAX_DIMS = 4
const GGUF_MAGIC = 0x46554747 // "GGUF" little-endian

/** Thrown when the bytes given end before the header does; the caller reads more and retries. */
export class NeedMoreBytes extends Error {
  constructor(readonly needed: number) {
    super(`header continues past ${needed} bytes`)
  }
}

/**
 * Walks a GGUF header with a bounds check on every read, so that absurd counts or string
 * lengths give a clear error instead of a hang or a huge allocation.
 *
 * @param bytes the start of the file (may be shorter than the header: then `NeedMoreBytes`)
 * @param fileBytes the whole file's size
 */
export function scanGgufHeader(bytes: Uint8Array, fileBytes: number): GgufHeaderScan {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const decoder = new TextDecoder('utf-8', { fatal: false })
  let pos = 0

  const need = (n: number, what: string) => {
    if (pos + n > fileBytes)
      throw new ArborFailure('GGUF_TRUNCATED', `The file ends inside its header (reading ${what} at byte ${pos}). It is probably an incomplete download.`)
    if (pos + n > bytes.byteLength) throw new NeedMoreBytes(pos + n)
  }
  const u32 = (what: string) => {
    need(4, what)
    const v = view.getUint32(pos, true)
    pos += 4
    return v
  }
  const u64 = (what: string) => {
    need(8, what)
    const v = view.getBigUint64(pos, true)
    pos += 8
    if (v > BigInt(Number.MAX_SAFE_INTEGER))
      throw new ArborFailure('GGUF_CORRUPT', `The header is corrupt: ${what} at byte ${pos - 8} is ${v}, far beyond any real model.`)
    return Number(v)
  }
  const count = (what: string) => {
    const n = u64(what)
    if (n > MAX_COUNT) throw new ArborFailure('GGUF_CORRUPT', `The header is corrupt: ${what} is ${n.toLocaleString('en-US')}, far beyond any real model.`)
    return n
  }
  const str = (what: string) => {
    const len = u64(`${what} length`)
    // Longer than the whole file: a corrupt length. Longer than what is left: a cut-off file (need() says so).
    if (len > fileBytes)
      throw new ArborFailure('GGUF_CORRUPT', `The header is corrupt: ${what} claims ${len.toLocaleString('en-US')} bytes, more than the whole file.`)
    need(len, what)
    const s = decoder.decode(bytes.subarray(pos, pos + len))
    pos += len
    return s
  }
  const scalar = (type: number, what: string): unknown => {
    const sizes: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 }
    if (type === 8) return str(what)
    const size = sizes[type]
    if (size === undefined) throw new ArborFailure('GGUF_CORRUPT', `The header is corrupt: ${what} has unknown value type ${type}.`)
    need(size, what)
    const at = pos
    pos += size
    switch (type) {
      case 0: return view.getUint8(at)
      case 1: return view.getInt8(at)
      case 2: return view.getUint16(at, true)
      case 3: return view.getInt16(at, true)
      case 4: return view.getUint32(at, true)
      case 5: return view.getInt32(at, true)
      case 6: return view.getFloat32(at, true)
      case 7: return view.getUint8(at) !== 0
      case 10: return Number(view.getBigUint64(at, true))
      case 11: return Number(view.getBigInt64(at, true))
      default: return view.getFloat64(at, true)
    }
  }

  if (fileBytes === 0) throw new ArborFailure('GGUF_BAD_MAGIC', 'The file is empty (0 bytes): it holds no model. It may be a download that never started.')
  if (fileBytes < 4 || bytes.byteLength < 4 || view.getUint32(0, true) !== GGUF_MAGIC)
    throw new ArborFailure('GGUF_BAD_MAGIC', 'This is not a GGUF model file: it does not start with the bytes "GGUF".')
  pos = 4
  const version = u32('version')
  if (version < 2 || version > 3)
    throw new ArborFailure('GGUF_CORRUPT', `GGUF version ${version} is not supported (Arbor reads versions 2 and 3).`)
  const tensorCount = count('tensor count')
  const kvCount = count('metadata count')

  const metadata = new Map<string, unknown>()
  for (let i = 0; i < kvCount; i++) {
    const key = str(`metadata key #${i}`)
    const type = u32(`type of "${key}"`)
    if (type === 9) {
      const itemType = u32(`item type of "${key}"`)
      const n = count(`length of "${key}"`)
      // Keep small arrays; skip big ones (vocabularies) while still checking every bound.
      const keep = n <= 64
      const items: unknown[] = []
      for (let j = 0; j < n; j++) {
        const v = scalar(itemType, `"${key}"[${j}]`)
        if (keep) items.push(v)
      }
      metadata.set(key, keep ? items : { length: n })
    } else {
      metadata.set(key, scalar(type, `"${key}"`))
    }
  }

  const tensors: GgufTensorEntry[] = []
  for (let i = 0; i < tensorCount; i++) {
    const name = str(`tensor #${i} name`)
    const nDims = u32(`dimensions of "${name}"`)
    if (nDims > MAX_DIMS) throw new ArborFailure('GGUF_CORRUPT', `The header is corrupt: tensor "${name}" has ${nDims} dimensions.`)
    const dims: number[] = []
    for (let d = 0; d < nDims; d++) dims.push(u64(`dimension of "${name}"`))
    const type = u32(`type of "${name}"`)
    const offset = u64(`offset of "${name}"`)
    const elements = dims.reduce((a, b) => a * b, 1)
    tensors.push({ name, dims, type, offset, bytes: tensorBytes(type, elements) })
  }

  const alignmentValue = metadata.get('general.alignment')
  const alignment = typeof alignmentValue === 'number' && alignmentValue > 0 ? alignmentValue : 32
  const dataOffset = Math.ceil(pos / alignment) * alignment
  let dataEnd = 0
  for (const t of tensors) if (t.bytes !== null) dataEnd = Math.max(dataEnd, t.offset + t.bytes)
  return { version, metadata, tensors, dataOffset, requiredFileBytes: dataOffset + dataEnd }
}

/** Reads a header through `read`, asking for more bytes only when the header is longer. */
export async function scanGgufHeaderFrom(
  read: (length: number) => Promise<Uint8Array>,
  fileBytes: number,
  firstChunk = 1 << 20,
): Promise<GgufHeaderScan> {
  let length = Math.min(firstChunk, fileBytes)
  for (;;) {
    const bytes = await read(length)
    try {
      return scanGgufHeader(bytes, fileBytes)
    } catch (error) {
      if (!(error instanceof NeedMoreBytes)) throw error
      length = Math.min(fileBytes, Math.max(error.needed, length * 4))
    }
  }
}

/** The name of the tensor type that holds most of the weights. */
export function dominantTypeName(tensors: GgufTensorEntry[]): string {
  const byType = new Map<number, number>()
  for (const t of tensors) byType.set(t.type, (byType.get(t.type) ?? 0) + (t.bytes ?? 0))
  let best: number | undefined
  for (const [type, bytes] of byType) if (best === undefined || bytes > (byType.get(best) ?? 0)) best = type
  return best === undefined ? 'unknown' : (ggmlTypes[best]?.name ?? `type ${best}`)
}
