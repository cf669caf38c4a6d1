import { formatBytes } from '../../../shared/format'
import type { LoadPhase } from '../../../shared/types'
import { ProgressBar } from './ProgressBar'

export type LoadProgressProps = {
  fileName: string
  phase: LoadPhase
  bytesRead: number
  bytesTotal: number
  onCancel(): void
}

const phaseText: Record<LoadPhase, string> = {
  reading: 'Reading weights',
  initializing: 'Initializing the model',
  context: 'Creating the context',
}

/** A load under way: bytes read, the phase, and a Cancel button. */
export function LoadProgress({ fileName, phase, bytesRead, bytesTotal, onCancel }: LoadProgressProps) {
  const label =
    phase === 'reading'
      ? `${phaseText.reading} of ${fileName}: ${formatBytes(bytesRead)} of ${formatBytes(bytesTotal)}`
      : `${phaseText[phase]}…`
  return (
    <div className="load-progress">
      <ProgressBar testId="load-progress" value={bytesTotal > 0 ? bytesRead / bytesTotal : 0} label={label} />
      <div className="button-row">
        <span className="muted small" data-testid="load-phase">
          {phaseText[phase]}
        </span>
        <button type="button" className="btn" data-testid="cancel-load" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  )
}
