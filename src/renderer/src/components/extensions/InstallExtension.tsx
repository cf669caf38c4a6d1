import type { ChangeEvent } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { AppState } from '../../store/AppState'
import { useArbor } from '../../store/useArbor'

const selectInstall = (s: AppState) => ({ installing: s.installingExtension, install: s.installExtension, transport: s.transport })

/** Chooses a `.ts`/`.js` extension file to install; dropping one on the window does the same while the manager is open. */
export function InstallExtension() {
  const { installing, install, transport } = useArbor(useShallow(selectInstall))
  const onChange = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0]
    // Cleared so that choosing the same file again (after fixing it) still fires.
    e.target.value = ''
    if (file) void install(file)
  }
  return (
    <div className="ext-install">
      <label className={`btn btn-small btn-primary${installing ? ' is-disabled' : ''}`}>
        {installing ? `Installing ${installing}…` : 'Install from file…'}
        <input type="file" accept=".ts,.js" className="visually-hidden" data-testid="install-extension" disabled={installing !== null} onChange={onChange} />
      </label>
      <span className="muted small">{transport === 'electron' ? 'or drop its folder or a .ts or .js file here' : 'or drop a .ts or .js file here'}</span>
    </div>
  )
}
