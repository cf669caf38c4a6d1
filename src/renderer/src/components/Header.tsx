import { useShallow } from 'zustand/react/shallow'
import { formatBytes } from '../../../shared/format'
import type { Hardware } from '../../../shared/types'
import type { AppState } from '../store/AppState'
import { useArbor } from '../store/useArbor'
import { useNarrowWindow } from '../hooks/useNarrowWindow'
import { ModelBar } from './ModelBar'

const selectHeader = (s: AppState) => ({
  transport: s.transport,
  hardware: s.hardware,
  version: s.version,
  modelsHidden: s.modelsHidden,
  setModelsHidden: s.setModelsHidden,
  sessionsHidden: s.sessionsHidden,
  setSessionsHidden: s.setSessionsHidden,
  narrowPanel: s.narrowPanel,
  setNarrowPanel: s.setNarrowPanel,
  extensionCount: s.extensions.length,
  extensionsFailed: s.extensions.some((e) => e.status === 'failed'),
  openExtensions: s.setExtensionsOpen,
  openSettings: s.setSettingsOpen,
  openServer: s.setServerOpen,
  serverRunning: s.server.running,
  theme: s.theme,
  setTheme: s.setTheme,
})

const nextTheme = { system: 'light', light: 'dark', dark: 'system' } as const
const themeNames = { system: 'System', light: 'Light', dark: 'Dark' } as const

const summarize = (hw: Hardware): string => {
  const parts: string[] = []
  if (hw.gpu.backend === false) parts.push('CPU only')
  else parts.push(`${hw.gpu.names[0] ?? 'GPU'} (${hw.gpu.backend.toUpperCase()}, ${formatBytes(hw.gpu.vramTotalBytes)} VRAM)`)
  parts.push(`${formatBytes(hw.ramTotalBytes)} RAM`)
  parts.push(`${hw.physicalCores} cores`)
  return parts.join(' · ')
}

/** App name, the sessions toggle, the model bar, the hardware summary, how it runs, the model panel's toggle, Extensions, theme. */
export function Header() {
  const h = useArbor(useShallow(selectHeader))
  const { transport, hardware, version, extensionCount, extensionsFailed, openExtensions, openSettings, openServer, serverRunning, theme, setTheme } = h
  const narrow = useNarrowWindow()
  const sessionsShown = narrow ? h.narrowPanel === 'sessions' : !h.sessionsHidden
  const modelShown = narrow ? h.narrowPanel === 'model' : !h.modelsHidden
  const toggle = (panel: 'sessions' | 'model') => {
    if (narrow) h.setNarrowPanel(h.narrowPanel === panel ? null : panel)
    else if (panel === 'sessions') h.setSessionsHidden(!h.sessionsHidden)
    else h.setModelsHidden(!h.modelsHidden)
  }
  return (
    <header className="header">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          ◆
        </span>
        <h1>Arbor</h1>
        {version && <span className="muted small">v{version}</span>}
      </div>
      <button
        type="button"
        className="btn btn-small"
        data-testid="toggle-sessions"
        aria-pressed={sessionsShown}
        title={sessionsShown ? 'Fold the sessions away' : 'Show the sessions'}
        onClick={() => toggle('sessions')}
      >
        Sessions
      </button>
      <ModelBar />
      <span className="header-hardware muted" data-testid="hardware-summary" title={hardware ? summarize(hardware) : undefined}>
        {hardware ? summarize(hardware) : 'Reading hardware…'}
      </span>
      <span className={`badge badge-${transport}`} data-testid="transport">
        {transport === 'electron' ? 'Desktop' : 'Headless (browser)'}
      </span>
      <button
        type="button"
        className="btn btn-small"
        data-testid="toggle-models"
        aria-pressed={modelShown}
        title={modelShown ? 'Fold the model panel away to give the conversation room' : 'Show the model panel: models, facts, fit, load'}
        onClick={() => toggle('model')}
      >
        Model panel
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
      <button
        type="button"
        className="btn btn-small"
        data-testid="open-server"
        title={serverRunning ? 'The API server is running: Pi and other clients can use the model' : 'Serve the model over an OpenAI-compatible API (for Pi, editors, scripts)'}
        onClick={() => openServer(true)}
      >
        {serverRunning && <span className="status-dot" aria-hidden="true" />}API server
      </button>
      <button type="button" className="btn btn-small" data-testid="open-settings" title="Settings: what a full context does, compaction sizes" onClick={() => openSettings(true)}>
        Settings
      </button>
      <button
        type="button"
        className="btn btn-small"
        data-testid="theme-toggle"
        title={`Colours: ${themeNames[theme]}. Click for ${themeNames[nextTheme[theme]]}.`}
        onClick={() => setTheme(nextTheme[theme])}
      >
        Theme: {themeNames[theme]}
      </button>
    </header>
  )
}
