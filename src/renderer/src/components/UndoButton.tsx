import { useShallow } from 'zustand/react/shallow'
import type { AppState } from '../store/AppState'
import { useArbor } from '../store/useArbor'

const selectUndo = (s: AppState) => ({ canUndo: s.session.canUndo, undoPrune: s.undoPrune, emptyUndo: s.emptyUndo })

/** Brings back the last pruned branch: pruned lines are kept beside the file, so this works after a restart, until emptied. */
export function UndoButton() {
  const { canUndo, undoPrune, emptyUndo } = useArbor(useShallow(selectUndo))
  return (
    <>
      <button type="button" className="btn btn-small" data-testid="undo-button" disabled={!canUndo} title="Bring back the last pruned branch" onClick={() => void undoPrune()}>
        ↶ Undo prune
      </button>
      {canUndo && (
        <button
          type="button"
          className="btn btn-small"
          data-testid="empty-undo"
          title="Forget the pruned branches for good (they are kept beside the session file until then)"
          onClick={() => void emptyUndo()}
        >
          Empty
        </button>
      )}
    </>
  )
}
