/**
 * Whether the JSON of `value` stays within `limit` bytes, estimated without building it (a 100 MB string
 * must be refused without copying it). Over-estimates a little; cycles count as too big.
 */
export function fitsInBytes(value: unknown, limit: number): boolean {
  let total = 0
  const seen = new Set<object>()
  const walk = (v: unknown): boolean => {
    if (typeof v === 'string') total += v.length * 1.1 + 2
    else if (typeof v === 'number' || typeof v === 'bigint') total += 24
    else if (typeof v === 'boolean' || v === null || v === undefined) total += 5
    else if (typeof v === 'object') {
      if (seen.has(v)) return false
      seen.add(v)
      const entries = Array.isArray(v) ? v : Object.values(v as Record<string, unknown>)
      if (!Array.isArray(v)) total += Object.keys(v as object).reduce((sum, k) => sum + k.length + 4, 0)
      for (const item of entries) {
        total += 1
        if (total > limit || !walk(item)) return false
      }
      seen.delete(v)
    }
    return total <= limit
  }
  return walk(value)
}
