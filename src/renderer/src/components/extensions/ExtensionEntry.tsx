import { memo, useState } from 'react'
import type { ExtensionView } from '../../../../shared/contract'
import { ExtensionActions } from './ExtensionActions'
import { ExtensionConsent } from './ExtensionConsent'
import { ExtensionContributions } from './ExtensionContributions'
import { ExtensionLog } from './ExtensionLog'
import { ExtensionPermissions } from './ExtensionPermissions'
import { ExtensionSettings } from './ExtensionSettings'
import { ExtensionTokens } from './ExtensionTokens'
import { statusLabel } from './statusLabel'

const sourceTitles: Record<ExtensionView['source'], string> = {
  bundled: 'Ships with Arbor',
  user: 'In your extensions folder',
  installed: 'Installed from a file',
  workspace: 'From the working folder',
}

/** Why an enabled one is not answering yet, if it is not. */
const runningNote = (e: ExtensionView): string | null =>
  e.restarting ? 'restarting…' : e.status === 'enabled' && !e.running ? 'starting…' : null

/** One extension: who it is, its state, what it adds, what it may do, what it costs, and its actions. */
export const ExtensionEntry = memo(function ExtensionEntry({ extension }: { extension: ExtensionView }) {
  const [logShown, setLogShown] = useState(false)
  const { name, version, description, source, status, lastError, faults } = extension
  const note = runningNote(extension)
  return (
    <li className={`ext-entry status-${status}`} data-testid="extension-entry" data-name={name} data-status={status}>
      <div className="ext-head">
        <div className="ext-title">
          <strong className="ext-name" title={extension.location}>
            {name}
          </strong>
          {version && <span className="muted small">v{version}</span>}
          <span className="badge" title={sourceTitles[source]} data-testid="extension-source">
            {source}
          </span>
          <span className={`badge ext-status ext-status-${status}`} data-testid="extension-status">
            {statusLabel[status]}
          </span>
          {note && <span className="muted small">{note}</span>}
          {faults > 0 && (
            <span className="muted small" title="Crashes, timeouts and failed hooks since it was (re)loaded">
              {faults} {faults === 1 ? 'fault' : 'faults'}
            </span>
          )}
        </div>
        <ExtensionActions extension={extension} logShown={logShown} onToggleLog={() => setLogShown(!logShown)} />
      </div>
      {description && <p className="ext-description">{description}</p>}
      {status === 'failed' && lastError && (
        <div className="ext-error" data-testid="extension-error" role="alert">
          <code className="error-code">{lastError.code}</code> — {lastError.message}
        </div>
      )}
      {status === 'needs-consent' && <ExtensionConsent extension={extension} />}
      <ExtensionContributions extension={extension} />
      {status !== 'needs-consent' && <ExtensionPermissions permissions={extension.permissions} />}
      <ExtensionSettings extension={extension} />
      <ExtensionTokens extension={extension} />
      {logShown && <ExtensionLog lines={extension.log} />}
    </li>
  )
})
