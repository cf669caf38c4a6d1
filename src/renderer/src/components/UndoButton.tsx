import { useShallow } from 'zustand/react/shallow'
import type { AppState } from '../store/AppState'
import { useArbor } from '../store/useArbor'

const selectUndo = (s: AppState) => ({ canUndo: s.session.canUndo, undoPrune: s.undoPrune })

/** Brings back the last pruned branch (possible until the session is closed). */
export function UndoButton() {
  const { canUndo, undoPrune } = useArbor(useShallow(selectUndo))
  return (
    <button type="button" className="btn btn-small" data-testid="undo-button" disabled={!canUndo} title="Bring back the last pruned branch" onClick={() => void undoPrune()}>
      ↶ Undo prune
    </button>
  )
}
