import { describe, expect, it } from 'vitest'
import { ArborFailure } from '../../src/shared/errors'
import { scanGgufHeader, scanGgufHeaderFrom } from '../../src/shared/gguf/scanGgufHeader'

/** A minimal GGUF v3 header builder for hand-made broken files. */
function header(parts: { version?: number; tensorCount?: bigint; kvCount?: bigint; kvs?: Buffer[]; tensors?: Buffer[] }) {
  const head = Buffer.alloc(24)
  head.write('GGUF', 0, 'latin1')
  head.writeUInt32LE(parts.version ?? 3, 4)
  head.writeBigUInt64LE(parts.tensorCount ?? BigInt(parts.tensors?.length ?? 0), 8)
  head.writeBigUInt64LE(parts.kvCount ?? BigInt(parts.kvs?.length ?? 0), 16)
  return Buffer.concat([head, ...(parts.kvs ?? []), ...(parts.tensors ?? [])])
}
const str = (s: string, claimedLength?: bigint) => {
  const len = Buffer.alloc(8)
  len.writeBigUInt64LE(claimedLength ?? BigInt(Buffer.byteLength(s)))
  return Buffer.concat([len, Buffer.from(s)])
}
const kvString = (key: string, value: string) => {
  const type = Buffer.alloc(4)
  type.writeUInt32LE(8)
  return Buffer.concat([str(key), type, str(value)])
}
const tensor = (name: string, dims: number[], type: number, offset: bigint) => {
  const nd = Buffer.alloc(4)
  nd.writeUInt32LE(dims.length)
  const d = Buffer.alloc(8 * dims.length)
  dims.forEach((v, i) => d.writeBigUInt64LE(BigInt(v), i * 8))
  const rest = Buffer.alloc(12)
  rest.writeUInt32LE(type, 0)
  rest.writeBigUInt64LE(offset, 4)
  return Buffer.concat([str(name), nd, d, rest])
}
const codeOf = (fn: () => unknown) => {
  try {
    fn()
  } catch (error) {
    return error instanceof ArborFailure ? error.code : `not an ArborFailure: ${String(error)}`
  }
  return 'no error'
}

describe('GGUF header scan', () => {
  it('reads metadata and computes where tensor data must end', () => {
    const bytes = header({ kvs: [kvString('general.architecture', 'llama')], tensors: [tensor('w', [64, 2], 0, 0n)] })
    const scan = scanGgufHeader(bytes, bytes.length + 1000)
    expect(scan.metadata.get('general.architecture')).toBe('llama')
    expect(scan.tensors).toEqual([{ name: 'w', dims: [64, 2], type: 0, offset: 0, bytes: 512 }])
    expect(scan.dataOffset % 32).toBe(0)
    expect(scan.requiredFileBytes).toBe(scan.dataOffset + 512)
  })

  it('rejects a file that is not GGUF', () => {
    const text = Buffer.from('{"hello": "this is json, not a model"}')
    expect(codeOf(() => scanGgufHeader(text, text.length))).toBe('GGUF_BAD_MAGIC')
    expect(codeOf(() => scanGgufHeader(Buffer.alloc(0), 0))).toBe('GGUF_BAD_MAGIC')
  })

  it('reports a header cut short as truncated', () => {
    const bytes = header({ kvs: [kvString('general.architecture', 'llama')] })
    const cut = bytes.subarray(0, bytes.length - 3)
    expect(codeOf(() => scanGgufHeader(cut, cut.length))).toBe('GGUF_TRUNCATED')
  })

  it('rejects absurd counts and string lengths instead of looping or allocating', () => {
    const manyTensors = header({ tensorCount: 1n << 40n })
    expect(codeOf(() => scanGgufHeader(manyTensors, manyTensors.length))).toBe('GGUF_CORRUPT')
    const manyKvs = header({ kvCount: 0xffffffffffffffffn })
    expect(codeOf(() => scanGgufHeader(manyKvs, manyKvs.length))).toBe('GGUF_CORRUPT')
    const longKey = header({ kvCount: 1n, kvs: [str('general.name', 1n << 50n)] })
    expect(codeOf(() => scanGgufHeader(longKey, longKey.length))).toBe('GGUF_CORRUPT')
  })

  it('rejects unsupported versions and too many dimensions', () => {
    const v9 = header({ version: 9 })
    expect(codeOf(() => scanGgufHeader(v9, v9.length))).toBe('GGUF_CORRUPT')
    const dims = header({ tensors: [tensor('w', [1, 1, 1, 1, 1], 0, 0n)] })
    expect(codeOf(() => scanGgufHeader(dims, dims.length))).toBe('GGUF_CORRUPT')
  })

  it('asks for more bytes only while the header continues', async () => {
    const big = 'x'.repeat(300_000)
    const bytes = header({ kvs: [kvString('general.description', big), kvString('general.architecture', 'llama')] })
    const reads: number[] = []
    const scan = await scanGgufHeaderFrom(async (n) => {
      reads.push(n)
      return bytes.subarray(0, n)
    }, bytes.length, 4096)
    expect(scan.metadata.get('general.architecture')).toBe('llama')
    expect(reads.length).toBeGreaterThan(1)
    expect(reads.at(-1)).toBeLessThanOrEqual(bytes.length)
  })
})
