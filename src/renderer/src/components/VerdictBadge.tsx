import type { FitVerdict } from '../../../shared/types'

const labels: Record<FitVerdict, string> = {
  gpu: 'Fits on GPU',
  partial: 'Partly offloaded',
  ram: 'Fits in RAM',
  none: 'Does not fit',
}

/** The fit verdict as a coloured badge. */
export function VerdictBadge({ verdict, testId = 'verdict' }: { verdict: FitVerdict; testId?: string }) {
  return (
    <span className={`verdict verdict-${verdict}`} data-testid={testId} data-verdict={verdict}>
      {labels[verdict]}
    </span>
  )
}
