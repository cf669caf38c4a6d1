import { useShallow } from 'zustand/react/shallow'
import { totalBytes } from '../../../shared/fit'
import { formatBytes, formatDuration } from '../../../shared/format'
import type { AppState } from '../store/AppState'
import { useArbor } from '../store/useArbor'
import { MemoryBars } from './MemoryBars'
import { NapkinBox } from './NapkinBox'
import { RecommendedRow } from './RecommendedRow'
import { VerdictBadge } from './VerdictBadge'

const selectResult = (s: AppState) => ({
  report: s.report,
  estimating: s.estimating,
  parameters: s.facts?.parameters ?? 0,
  hasGpu: s.hardware ? s.hardware.gpu.backend !== false : false,
})

/** The estimate for the current settings: verdict, memory bars, recommendation and the napkin comparison. */
export function FitResult() {
  const { report, estimating, parameters, hasGpu } = useArbor(useShallow(selectResult))
  if (!report) return <p className="muted">{estimating ? 'Estimating memory…' : 'No estimate yet.'}</p>
  const { estimate, fit, napkin } = report
  return (
    <div className={estimating ? 'fit-result stale' : 'fit-result'} aria-busy={estimating}>
      <div className="verdict-row">
        <VerdictBadge verdict={fit.verdict} />
        <span data-testid="fit-summary">{fit.summary}</span>
      </div>
      <div className="totals">
        <span>
          Total <strong data-testid="estimate-total">{formatBytes(totalBytes(estimate))}</strong>
        </span>
        <span>
          KV cache <strong data-testid="kv-bytes">{formatBytes(totalBytes(estimate.kvCache))}</strong>
        </span>
        <span className="muted small">estimated in {formatDuration(report.estimateMs)}</span>
      </div>
      <MemoryBars title="RAM" side="ramBytes" estimate={estimate} capacityBytes={fit.ramAvailableBytes} testId="ram-bars" />
      {hasGpu || estimate.vramBytes > 0 ? (
        <MemoryBars title="VRAM" side="vramBytes" estimate={estimate} capacityBytes={fit.vramAvailableBytes} testId="vram-bars" />
      ) : (
        <p className="muted small">No GPU: no VRAM to fill, everything lives in RAM.</p>
      )}
      <RecommendedRow />
      <NapkinBox napkin={napkin} parameters={parameters} />
    </div>
  )
}
