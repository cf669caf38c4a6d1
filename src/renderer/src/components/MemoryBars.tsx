import { formatBytes } from '../../../shared/format'
import type { MemoryEstimate, MemorySplit } from '../../../shared/types'

export type MemoryBarsProps = {
  title: string
  /** Which side of each split to draw. */
  side: keyof MemorySplit
  estimate: MemoryEstimate
  /** What is free for it (the bar's capacity line). */
  capacityBytes: number
  testId?: string
}

const parts = [
  { key: 'weights', label: 'Weights' },
  { key: 'kvCache', label: 'KV cache' },
  { key: 'compute', label: 'Compute' },
  { key: 'overhead', label: 'Overhead' },
] as const

/** A stacked bar of weights, KV cache, compute and overhead against the free capacity, with a legend. */
export function MemoryBars({ title, side, estimate, capacityBytes, testId }: MemoryBarsProps) {
  const used = estimate[side]
  const scale = Math.max(used, capacityBytes, 1)
  const over = used > capacityBytes
  const pct = (bytes: number) => `${Math.max(0, (bytes / scale) * 100)}%`
  return (
    <div className="membar" data-testid={testId}>
      <div className="membar-head">
        <span className="membar-title">{title}</span>
        <span className={over ? 'membar-total over' : 'membar-total'}>
          {formatBytes(used)} of {formatBytes(capacityBytes)} free
        </span>
      </div>
      <div
        className="membar-track"
        role="img"
        aria-label={`${title}: ${formatBytes(used)} needed, ${formatBytes(capacityBytes)} free`}
      >
        {parts.map((p) => (
          <div
            key={p.key}
            className={`membar-seg seg-${p.key}`}
            style={{ width: pct(estimate[p.key][side]), minWidth: estimate[p.key][side] > 0 ? 3 : 0 }}
          />
        ))}
        <div className={over ? 'membar-capacity over' : 'membar-capacity'} style={{ left: pct(capacityBytes) }} />
      </div>
      <ul className="legend">
        {parts.map((p) => (
          <li key={p.key}>
            <span className={`swatch seg-${p.key}`} aria-hidden="true" />
            {p.label} <span className="muted">{formatBytes(estimate[p.key][side])}</span>
          </li>
        ))}
        <li>
          <span className="swatch swatch-capacity" aria-hidden="true" />
          Free <span className="muted">{formatBytes(capacityBytes)}</span>
        </li>
      </ul>
    </div>
  )
}
