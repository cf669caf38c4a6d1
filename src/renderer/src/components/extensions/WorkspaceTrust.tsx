import { useShallow } from 'zustand/react/shallow'
import type { ExtensionView } from '../../../../shared/contract'
import type { AppState } from '../../store/AppState'
import { useArbor } from '../../store/useArbor'

const selectTrust = (s: AppState) => ({ busy: s.extensionBusy, trust: s.trustWorkspace })

/** The working folders that extensions were found in, each with the names found there and whether it is trusted. */
function byFolder(extensions: ExtensionView[]): { folder: string; names: string[]; trusted: boolean }[] {
  const folders = new Map<string, { folder: string; names: string[]; trusted: boolean }>()
  for (const e of extensions) {
    if (e.source !== 'workspace' || !e.workspaceFolder) continue
    const group = folders.get(e.workspaceFolder) ?? { folder: e.workspaceFolder, names: [], trusted: true }
    group.names.push(e.name)
    if (e.status === 'untrusted') group.trusted = false
    folders.set(e.workspaceFolder, group)
  }
  return [...folders.values()]
}

/**
 * Extensions found in the session's working folder (`.arbor/extensions`) never run until the user trusts that
 * folder: this says which folder, what trusting it means, and takes the choice back.
 */
export function WorkspaceTrust({ extensions }: { extensions: ExtensionView[] }) {
  const { busy, trust } = useArbor(useShallow(selectTrust))
  return byFolder(extensions).map(({ folder, names, trusted }) => (
    <div
      key={folder}
      className={`notice ${trusted ? 'ext-trusted' : 'notice-warn'} ext-trust`}
      role="group"
      aria-label={`Working folder ${folder}`}
      data-testid="workspace-trust"
      data-folder={folder}
      data-trusted={trusted}
    >
      <div className="notice-body">
        {trusted ? (
          <>
            You trust <code>{folder}</code>: the extensions in its <code>.arbor/extensions</code> ({names.join(', ')}) may run.
          </>
        ) : (
          <>
            <strong>Not running: {names.join(', ')}</strong>, found in the working folder <code>{folder}</code> (in{' '}
            <code>.arbor/extensions</code>). Trusting this folder runs their code on this computer with your rights (each still asks
            for the permissions it declares). Trust it only if you know what is in it.
          </>
        )}
      </div>
      {trusted ? (
        <button type="button" className="btn btn-small" data-testid="workspace-untrust" disabled={busy !== null} onClick={() => void trust(folder, false)}>
          Stop trusting this folder
        </button>
      ) : (
        <button type="button" className="btn btn-small btn-primary" data-testid="workspace-trust-button" disabled={busy !== null} onClick={() => void trust(folder, true)}>
          {busy === folder ? '…' : 'Trust this folder'}
        </button>
      )}
    </div>
  ))
}
