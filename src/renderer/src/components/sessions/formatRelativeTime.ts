const format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' })

const steps: [limit: number, unit: Intl.RelativeTimeFormatUnit, ms: number][] = [
  [60_000, 'second', 1000],
  [3_600_000, 'minute', 60_000],
  [86_400_000, 'hour', 3_600_000],
  [7 * 86_400_000, 'day', 86_400_000],
  [30 * 86_400_000, 'week', 7 * 86_400_000],
  [365 * 86_400_000, 'month', 30 * 86_400_000],
]

/** `at` relative to `now`: "just now", "5 minutes ago", "yesterday", "3 weeks ago". */
export function formatRelativeTime(at: number, now: number): string {
  const diff = at - now
  const abs = Math.abs(diff)
  if (abs < 45_000) return 'just now'
  for (const [limit, unit, ms] of steps) if (abs < limit) return format.format(Math.round(diff / ms), unit)
  return format.format(Math.round(diff / (365 * 86_400_000)), 'year')
}
