import { useEffect, useId, useRef } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { ExtensionView } from '../../../../shared/contract'
import type { AppState } from '../../store/AppState'
import { useArbor } from '../../store/useArbor'
import { describePermission } from './describePermission'

const selectConsent = (s: AppState) => ({ busy: s.extensionBusy, allow: s.allowExtension, setEnabled: s.setExtensionEnabled })

/**
 * The permissions an extension asks for, before it runs: what each one gives it (with its folder), what is not
 * enforced, and what changed since the user last allowed it. It runs once they choose "Allow and enable".
 */
export function ExtensionConsent({ extension }: { extension: ExtensionView }) {
  const { busy, allow, setEnabled } = useArbor(useShallow(selectConsent))
  const titleId = useId()
  const box = useRef<HTMLDivElement>(null)
  const { name, consent, permissions, sandbox } = extension

  // A freshly installed extension lands here: bring it into view.
  useEffect(() => {
    // A block, not an expression: newer Chromium returns a promise here, which React would take for a cleanup.
    box.current?.scrollIntoView({ block: 'nearest' })
  }, [])

  if (!consent) return null
  const again = consent.accepted !== null
  const memory = consent.requested.find((p) => p.startsWith('memory:'))
  return (
    <div className="ext-consent" role="group" aria-labelledby={titleId} data-testid="extension-consent" ref={box}>
      <div className="ext-consent-title" id={titleId}>
        {again ? `${name} now asks for more than you allowed` : `${name} asks for these permissions`}
      </div>
      <p className="small ext-consent-note">It does not run until you allow them. Code you allow runs on this computer with these rights.</p>
      {sandbox === null ? (
        <p className="small ext-consent-unsandboxed" role="note" data-testid="consent-unsandboxed">
          <strong>No sandbox on this computer:</strong> besides what is listed, this extension will have full network access and can send signals to
          (stop) other programs of yours. Allow it only if you trust its author.
        </p>
      ) : (
        <p className="small muted" data-testid="consent-sandbox">
          It runs in a sandbox ({sandbox}): no network unless listed, and it cannot signal other programs.
        </p>
      )}
      {permissions.length > 0 ? (
        <ul className="ext-consent-list">
          {permissions.map((p) => (
            <li key={p.declared} data-testid="consent-permission" data-enforced={p.enforced}>
              {describePermission(p.permission)} <code className="muted small">{p.declared}</code>
              {!p.enforced && (
                <>
                  {' '}
                  <span className="ext-enforced not-enforced" title={p.note}>
                    not enforced
                  </span>
                  {p.note && <span className="small"> — {p.note.replace(/^Not enforced:\s*/i, '')}</span>}
                </>
              )}
            </li>
          ))}
        </ul>
      ) : consent.requested.length === 0 ? (
        <p className="small" data-testid="consent-no-permissions">
          It declares no permissions: it may compute, and read its own files.
        </p>
      ) : (
        <ul className="ext-consent-list">
          {consent.requested.map((p) => (
            <li key={p} data-testid="consent-permission">
              <code>{p}</code>
            </li>
          ))}
        </ul>
      )}
      {memory && permissions.length > 0 && (
        <p className="small" data-testid="consent-memory">
          May use up to {memory.slice('memory:'.length)} of memory (more than the {256} MB an extension gets by default). <code className="muted small">{memory}</code>
        </p>
      )}
      {again && (
        <div className="small ext-consent-changes" data-testid="consent-changes">
          Changed since you allowed it:
          {consent.added.map((p) => (
            <code key={`+${p}`} className="ext-chip ext-consent-added" title="Asked for now, not allowed before">
              + {p}
            </code>
          ))}
          {consent.removed.map((p) => (
            <code key={`-${p}`} className="ext-chip ext-consent-removed" title="Allowed before, no longer asked for">
              − {p}
            </code>
          ))}
        </div>
      )}
      <div className="ext-consent-actions">
        <button
          type="button"
          className="btn btn-small btn-primary"
          data-testid="extension-allow"
          disabled={busy !== null}
          onClick={() => void allow(name, consent.requested)}
        >
          {busy === name ? '…' : 'Allow and enable'}
        </button>
        <button type="button" className="btn btn-small btn-ghost" data-testid="extension-keep-disabled" disabled={busy !== null} onClick={() => void setEnabled(name, false)}>
          Keep it disabled
        </button>
      </div>
    </div>
  )
}
