import { useShallow } from 'zustand/react/shallow'
import { useAutoDismiss } from '../hooks/useAutoDismiss'
import type { AppState } from '../store/AppState'
import { useArbor } from '../store/useArbor'

const selectNotice = (s: AppState) => ({
  notice: s.pruneNotice,
  canUndo: s.session.canUndo,
  undoPrune: s.undoPrune,
  dismiss: s.dismissPruneNotice,
})

/** How long the toast stays; the Undo button in the bar stays enabled after it goes. */
const SHOW_MS = 10_000

/** "Pruned 3 messages — Undo", for a while after a prune. */
export function PruneToast() {
  const { notice, canUndo, undoPrune, dismiss } = useArbor(useShallow(selectNotice))

  useAutoDismiss(notice, dismiss, SHOW_MS)

  if (!notice) return null
  return (
    <div className="toast" role="status" data-testid="prune-toast">
      <span>
        Pruned {notice.count} {notice.count === 1 ? 'message' : 'messages'}.
      </span>
      {canUndo && (
        <button type="button" className="btn btn-small btn-primary" data-testid="prune-toast-undo" onClick={() => void undoPrune()}>
          Undo
        </button>
      )}
      <button type="button" className="btn btn-small btn-ghost" aria-label="Close" onClick={dismiss}>
        ✕
      </button>
    </div>
  )
}
