import { useShallow } from 'zustand/react/shallow'
import { useAutoDismiss } from '../../hooks/useAutoDismiss'
import type { AppState } from '../../store/AppState'
import { useArbor } from '../../store/useArbor'

const selectNotice = (s: AppState) => ({ notice: s.extensionNotice, dismiss: s.dismissExtensionNotice })

/** How long a notice stays. */
const SHOW_MS = 6000

/** An extension's `notify(text)`, for a few seconds in a corner. */
export function ExtensionNoticeToast() {
  const { notice, dismiss } = useArbor(useShallow(selectNotice))

  useAutoDismiss(notice, dismiss, SHOW_MS)

  if (!notice) return null
  return (
    <div className="ext-notice" role="status" data-testid="extension-notice" data-extension={notice.extension}>
      <span className="ext-notice-from">{notice.extension}</span>
      <span className="ext-notice-text">{notice.text}</span>
      <button type="button" className="btn btn-small btn-ghost" aria-label="Close" onClick={dismiss}>
        ✕
      </button>
    </div>
  )
}
