/**
 * Session files are rewritten byte for byte: a line Arbor did not change goes back to disk exactly as it was read,
 * even when it is not valid UTF-8 (a file damaged elsewhere, or written by a tool with another encoding). Decoding
 * maps each byte that is not part of valid UTF-8 to a lone low surrogate, U+DC80–U+DCFF (Python's
 * "surrogateescape"), which valid UTF-8 can never produce; encoding maps those back to the bytes. New lines come from
 * `JSON.stringify`, which escapes lone surrogates, so they never hold one raw.
 */

const strict = new TextDecoder('utf-8', { fatal: true })
const LONE_ESCAPE = /(?<![\uD800-\uDBFF])[\uDC80-\uDCFF]/

/** Length of the valid UTF-8 sequence starting at `i`, or 0 when the byte there does not start one. */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i]!
  if (b0 < 0x80) return 1
  const cont = (k: number, lo = 0x80, hi = 0xbf) => {
    const b = bytes[i + k]
    return b !== undefined && b >= lo && b <= hi
  }
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0
  if (b0 === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0
  if ((b0 >= 0xe1 && b0 <= 0xec) || b0 === 0xee || b0 === 0xef) return cont(1) && cont(2) ? 3 : 0
  if (b0 === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0
  if (b0 === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0
  if (b0 >= 0xf1 && b0 <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0
  if (b0 === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0
  return 0
}

/** UTF-8 to text, each invalid byte kept as U+DC00 + byte. */
export function decodeByteExact(bytes: Uint8Array): string {
  try {
    return strict.decode(bytes)
  } catch {
    // Some bytes are not UTF-8: decode the valid runs, escape the rest.
  }
  const parts: string[] = []
  let runStart = 0
  let i = 0
  while (i < bytes.length) {
    const n = sequenceLength(bytes, i)
    if (n > 0) {
      i += n
      continue
    }
    if (runStart < i) parts.push(strict.decode(bytes.subarray(runStart, i)))
    parts.push(String.fromCharCode(0xdc00 + bytes[i]!))
    i += 1
    runStart = i
  }
  if (runStart < bytes.length) parts.push(strict.decode(bytes.subarray(runStart)))
  return parts.join('')
}

/** Text to UTF-8, each escaped byte written back as itself. */
export function encodeByteExact(text: string): Buffer {
  if (!LONE_ESCAPE.test(text)) return Buffer.from(text, 'utf8')
  const parts: Buffer[] = []
  let start = 0
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit < 0xdc80 || unit > 0xdcff) continue
    const previous = i > 0 ? text.charCodeAt(i - 1) : 0
    if (previous >= 0xd800 && previous <= 0xdbff) continue
    parts.push(Buffer.from(text.slice(start, i), 'utf8'), Buffer.of(unit - 0xdc00))
    start = i + 1
  }
  parts.push(Buffer.from(text.slice(start), 'utf8'))
  return Buffer.concat(parts)
}
