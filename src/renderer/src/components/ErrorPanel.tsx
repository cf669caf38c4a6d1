import { useShallow } from 'zustand/react/shallow'
import type { AppState } from '../store/AppState'
import { useArbor } from '../store/useArbor'

const selectErrors = (s: AppState) => ({
  error: s.error,
  fileWarning: s.fileWarning,
  dismissError: s.dismissError,
  extensionHint: s.extensionHint,
  dismissExtensionHint: s.dismissExtensionHint,
  openExtensions: s.setExtensionsOpen,
})

/** The last error (code and message, as data from the core), any warning about a file's name, and where an extension file goes. */
export function ErrorPanel() {
  const { error, fileWarning, dismissError, extensionHint, dismissExtensionHint, openExtensions } = useArbor(useShallow(selectErrors))
  if (!error && !fileWarning && !extensionHint) return null
  return (
    <div className="notices">
      {extensionHint && (
        <div className="notice notice-warn" data-testid="extension-hint" role="status">
          <div className="notice-body">{extensionHint}</div>
          <button type="button" className="btn btn-small" onClick={() => openExtensions(true)}>
            Open Extensions
          </button>
          <button type="button" className="btn btn-ghost" aria-label="Dismiss" onClick={dismissExtensionHint}>
            ✕
          </button>
        </div>
      )}
      {fileWarning && (
        <div className="notice notice-warn" data-testid="file-warning" role="status">
          {fileWarning}
        </div>
      )}
      {error && (
        <div className="notice notice-error" data-testid="error" role="alert">
          <div className="notice-body">
            {error.context && <div className="notice-context">{error.context} failed</div>}
            <div>
              <code className="error-code" data-testid="error-code">
                {error.code}
              </code>
              {' — '}
              <span data-testid="error-message">{error.message}</span>
            </div>
          </div>
          <button type="button" className="btn btn-ghost" onClick={dismissError}>
            Dismiss
          </button>
        </div>
      )}
    </div>
  )
}
