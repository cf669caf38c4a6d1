import type { AppState } from '../store/AppState'
import { useArbor } from '../store/useArbor'
import { FitControls } from './FitControls'
import { FitResult } from './FitResult'

const selectHasModel = (s: AppState) => s.selectedPath !== null

/** Will it fit? The settings and what they cost, for the selected model. */
export function FitPanel() {
  const hasModel = useArbor(selectHasModel)
  if (!hasModel) return null
  return (
    <section className="panel" aria-labelledby="fit-title" data-testid="fit">
      <h2 id="fit-title">Will it fit?</h2>
      <FitControls />
      <FitResult />
    </section>
  )
}
