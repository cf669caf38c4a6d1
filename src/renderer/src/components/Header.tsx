import { useShallow } from 'zustand/react/shallow'
import { formatBytes } from '../../../shared/format'
import type { Hardware } from '../../../shared/types'
import type { AppState } from '../store/AppState'
import { useArbor } from '../store/useArbor'

const selectHeader = (s: AppState) => ({
  transport: s.transport,
  hardware: s.hardware,
  version: s.version,
  modelsHidden: s.modelsHidden,
  setModelsHidden: s.setModelsHidden,
  extensionCount: s.extensions.length,
  extensionsFailed: s.extensions.some((e) => e.status === 'failed'),
  openExtensions: s.setExtensionsOpen,
})

const summarize = (hw: Hardware): string => {
  const parts: string[] = []
  if (hw.gpu.backend === false) parts.push('CPU only')
  else parts.push(`${hw.gpu.names[0] ?? 'GPU'} (${hw.gpu.backend.toUpperCase()}, ${formatBytes(hw.gpu.vramTotalBytes)} VRAM)`)
  parts.push(`${formatBytes(hw.ramTotalBytes)} RAM`)
  parts.push(`${hw.physicalCores} cores`)
  return parts.join(' · ')
}

/** App name, how it runs (desktop or browser), a one-line hardware summary, the model column's toggle and Extensions. */
export function Header() {
  const { transport, hardware, version, modelsHidden, setModelsHidden, extensionCount, extensionsFailed, openExtensions } =
    useArbor(useShallow(selectHeader))
  return (
    <header className="header">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          ◆
        </span>
        <h1>Arbor</h1>
        {version && <span className="muted small">v{version}</span>}
      </div>
      <span className={`badge badge-${transport}`} data-testid="transport">
        {transport === 'electron' ? 'Desktop' : 'Headless (browser)'}
      </span>
      <span className="header-hardware muted" data-testid="hardware-summary">
        {hardware ? summarize(hardware) : 'Reading hardware…'}
      </span>
      <button
        type="button"
        className="btn btn-small"
        data-testid="toggle-models"
        aria-pressed={!modelsHidden}
        title={modelsHidden ? 'Show the model column' : 'Fold the model column away to give the conversation room'}
        onClick={() => setModelsHidden(!modelsHidden)}
      >
        {modelsHidden ? 'Show models' : 'Hide models'}
      </button>
      <button
        type="button"
        className={`btn btn-small${extensionsFailed ? ' btn-attention' : ''}`}
        data-testid="open-extensions"
        title={extensionsFailed ? 'An extension failed: open the extension manager' : 'Manage extensions: enable, reload, install'}
        onClick={() => openExtensions(true)}
      >
        Extensions{extensionCount > 0 ? ` (${extensionCount})` : ''}
      </button>
    </header>
  )
}
