/**
 * JSON of values that came from a file or a peer: as deep or as large as anyone made them. `JSON.stringify` recurses
 * (a 100,000-deep object overflows the stack) and has no size limit; these walk with an explicit stack and stop at a
 * bound instead.
 */

export type JsonBounds = {
  /** Nesting beyond this is cut. Defaults to 64. */
  maxDepth?: number
  /** Characters of output beyond this are cut. Defaults to 64 KiB. */
  maxChars?: number
}

/** How deep a value nests, counted up to `limit + 1` (so a huge value costs no more than the limit). */
export function jsonDepth(value: unknown, limit = 64): number {
  let deepest = 0
  const stack: [unknown, number][] = [[value, 0]]
  let visited = 0
  while (stack.length) {
    const [current, depth] = stack.pop()!
    if (typeof current !== 'object' || current === null) continue
    if (depth + 1 > deepest) deepest = depth + 1
    if (deepest > limit) return deepest
    // Wide values: enough is seen to know the depth is within the limit along what was walked.
    if (++visited > 100_000) break
    for (const child of Array.isArray(current) ? current : Object.values(current)) stack.push([child, depth + 1])
  }
  return deepest
}

/**
 * `JSON.stringify(value)` when the value is within bounds; else as much as fits, with `…` where something was cut
 * (so the result may not parse). Never throws: a value that cannot be stringified at all gives a description.
 */
export function boundedStringify(value: unknown, bounds: JsonBounds = {}): string {
  const maxDepth = bounds.maxDepth ?? 64
  const maxChars = bounds.maxChars ?? 64 * 1024
  if (jsonDepth(value, maxDepth) <= maxDepth) {
    try {
      const text = JSON.stringify(value) ?? 'null'
      return text.length > maxChars ? `${text.slice(0, maxChars)}…` : text
    } catch (error) {
      return `[not JSON: ${(error as Error).message}]`
    }
  }
  // Too deep for JSON.stringify: written level by level, deeper levels shown as "…".
  let out = ''
  const write = (item: unknown, depth: number): void => {
    if (out.length > maxChars) return
    if (typeof item !== 'object' || item === null) {
      out += JSON.stringify(item) ?? 'null'
      return
    }
    if (depth >= maxDepth) {
      out += '"…"'
      return
    }
    const isArray = Array.isArray(item)
    out += isArray ? '[' : '{'
    let first = true
    for (const [key, child] of isArray ? item.entries() : Object.entries(item)) {
      if (out.length > maxChars) break
      if (!first) out += ','
      first = false
      if (!isArray) out += `${JSON.stringify(key)}:`
      write(child, depth + 1)
    }
    out += isArray ? ']' : '}'
  }
  write(value, 0)
  return out.length > maxChars ? `${out.slice(0, maxChars)}…` : out
}
