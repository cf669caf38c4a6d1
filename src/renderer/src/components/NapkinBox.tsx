import { NAPKIN_FACTOR } from '../../../shared/fit'
import { formatBytes, formatCount, formatPercent } from '../../../shared/format'
import type { Napkin } from '../../../shared/types'

/** The napkin formula people quote, next to Arbor's estimate, and why they differ. */
export function NapkinBox({ napkin, parameters }: { napkin: Napkin; parameters: number }) {
  return (
    <div className="napkin" data-testid="napkin">
      <div>
        Napkin formula: {formatCount(parameters)} params × {napkin.bytesPerParameter.toFixed(2)} bytes/param × {NAPKIN_FACTOR} ={' '}
        <strong>{formatBytes(napkin.bytes)}</strong> (error vs estimate {formatPercent(napkin.errorVsEstimate)})
      </div>
      <p className="muted small">{napkin.explanation}</p>
    </div>
  )
}
