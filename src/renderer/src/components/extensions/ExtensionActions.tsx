import { useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { ExtensionView } from '../../../../shared/contract'
import type { AppState } from '../../store/AppState'
import { useArbor } from '../../store/useArbor'

const selectActions = (s: AppState) => ({
  busy: s.extensionBusy,
  setEnabled: s.setExtensionEnabled,
  reload: s.reloadExtension,
  uninstall: s.uninstallExtension,
})

type Props = { extension: ExtensionView; logShown: boolean; onToggleLog(): void }

/**
 * Enable/Disable, Reload, Uninstall (confirmed in place, only for the user folder's) and the log's toggle. One
 * waiting for consent is enabled from its permissions ("Allow and enable"); an untrusted one from its folder's trust.
 */
export function ExtensionActions({ extension, logShown, onToggleLog }: Props) {
  const { busy, setEnabled, reload, uninstall } = useArbor(useShallow(selectActions))
  const [confirming, setConfirming] = useState(false)
  const { name, status, source } = extension
  const working = busy !== null
  const on = status === 'enabled' || status === 'failed'
  const removable = source === 'user' || source === 'installed'

  if (confirming) {
    return (
      <div className="ext-actions ext-confirm" role="group" aria-label={`Uninstall ${name}?`}>
        <span className="small">Delete {name} from the extensions folder?</span>
        <button
          type="button"
          className="btn btn-small btn-danger"
          data-testid="extension-uninstall-confirm"
          disabled={working}
          onClick={() => void uninstall(name).then(() => setConfirming(false))}
        >
          Uninstall
        </button>
        <button type="button" className="btn btn-small" data-testid="extension-uninstall-cancel" autoFocus onClick={() => setConfirming(false)}>
          Keep
        </button>
      </div>
    )
  }

  return (
    <div className="ext-actions">
      {status !== 'needs-consent' && (
        <button
          type="button"
          className={`btn btn-small${on ? '' : ' btn-primary'}`}
          data-testid="extension-toggle"
          aria-pressed={on}
          disabled={working || status === 'untrusted'}
          title={status === 'untrusted' ? 'It comes from a working folder you have not trusted; it never runs.' : undefined}
          onClick={() => void setEnabled(name, !on)}
        >
          {busy === name ? '…' : on ? 'Disable' : 'Enable'}
        </button>
      )}
      <button
        type="button"
        className="btn btn-small"
        data-testid="extension-reload"
        disabled={working || status === 'untrusted'}
        title="Read it again from disk and restart it"
        onClick={() => void reload(name)}
      >
        Reload
      </button>
      {removable && (
        <button type="button" className="btn btn-small btn-ghost" data-testid="extension-uninstall" disabled={working} onClick={() => setConfirming(true)}>
          Uninstall
        </button>
      )}
      <button type="button" className="btn btn-small btn-ghost" data-testid="extension-log-toggle" aria-expanded={logShown} onClick={onToggleLog}>
        {logShown ? 'Hide log' : `Log (${extension.log.length})`}
      </button>
    </div>
  )
}
