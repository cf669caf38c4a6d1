import { useCallback } from 'react'
import { useEscapeToClose } from '../../hooks/useEscapeToClose'
import { useShallow } from 'zustand/react/shallow'
import type { AppState } from '../../store/AppState'
import { useArbor } from '../../store/useArbor'
import { ExtensionEntry } from './ExtensionEntry'
import { InstallExtension } from './InstallExtension'
import { WorkspaceTrust } from './WorkspaceTrust'

const selectManager = (s: AppState) => ({
  open: s.extensionsOpen,
  extensions: s.extensions,
  loaded: s.extensionsLoaded,
  error: s.extensionsError,
  setOpen: s.setExtensionsOpen,
})

/** The extension manager: every extension found, its state and actions, and installing new ones. */
export function ExtensionManager() {
  const { open, extensions, loaded, error, setOpen } = useArbor(useShallow(selectManager))

  useEscapeToClose(open, useCallback(() => setOpen(false), [setOpen]))

  if (!open) return null
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && setOpen(false)}>
      <section className="modal ext-manager" role="dialog" aria-modal="true" aria-labelledby="extensions-title" data-testid="extensions">
        <div className="modal-head">
          <h2 id="extensions-title">Extensions</h2>
          <InstallExtension />
          <button type="button" className="btn btn-small btn-ghost" data-testid="close-extensions" aria-label="Close" autoFocus onClick={() => setOpen(false)}>
            ✕
          </button>
        </div>
        {error && (
          <div className="notice notice-error" data-testid="extensions-error" role="alert">
            <div className="notice-body">
              {error.context && <div className="notice-context">{error.context} failed</div>}
              <div>
                <code className="error-code">{error.code}</code> — {error.message}
              </div>
            </div>
          </div>
        )}
        <WorkspaceTrust extensions={extensions} />
        {extensions.length === 0 ? (
          <p className="muted ext-empty" data-testid="extensions-empty">
            {loaded ? 'No extensions found. Install a .ts or .js file to add one.' : 'Reading the extensions…'}
          </p>
        ) : (
          <ul className="ext-list">
            {extensions.map((e) => (
              <ExtensionEntry key={e.name} extension={e} />
            ))}
          </ul>
        )}
      </section>
    </div>
  )
}
