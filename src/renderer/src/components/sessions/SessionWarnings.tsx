import { useShallow } from 'zustand/react/shallow'
import type { AppState } from '../../store/AppState'
import { useArbor } from '../../store/useArbor'

const selectWarnings = (s: AppState) => ({
  warnings: s.session.warnings,
  dismissed: s.warningsDismissedFor === s.session.summary.id,
  dismissWarnings: s.dismissWarnings,
})

/** What was wrong in the session file (skipped lines, repaired parents), until dismissed. */
export function SessionWarnings() {
  const { warnings, dismissed, dismissWarnings } = useArbor(useShallow(selectWarnings))
  if (warnings.length === 0 || dismissed) return null
  return (
    <div className="notice notice-warn session-warnings" data-testid="session-warnings" role="status">
      <div className="notice-body">
        <div className="notice-context">The session file had problems; Arbor read what it could:</div>
        <ul className="warnings-list">
          {warnings.slice(0, 8).map((w, i) => (
            <li key={i}>{w}</li>
          ))}
          {warnings.length > 8 && <li>…and {warnings.length - 8} more.</li>}
        </ul>
      </div>
      <button type="button" className="btn btn-ghost" data-testid="dismiss-warnings" onClick={dismissWarnings}>
        Dismiss
      </button>
    </div>
  )
}
