import { useCallback, useEffect, useRef } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { ConnectionBanner } from './components/ConnectionBanner'
import { DropOverlay } from './components/DropOverlay'
import { ErrorPanel } from './components/ErrorPanel'
import { ExtensionManager } from './components/extensions/ExtensionManager'
import { HubDialog } from './components/HubDialog'
import { ConnectDialog } from './components/ConnectDialog'
import { ServerDialog } from './components/ServerDialog'
import { SettingsDialog } from './components/SettingsDialog'
import { ExtensionNoticeToast } from './components/extensions/ExtensionNoticeToast'
import { FitPanel } from './components/FitPanel'
import { HardwarePanel } from './components/HardwarePanel'
import { Header } from './components/Header'
import { LoadPanel } from './components/LoadPanel'
import { ModelFactsPanel } from './components/ModelFactsPanel'
import { ModelPicker } from './components/ModelPicker'
import { SamplingPanel } from './components/SamplingPanel'
import { SessionsSidebar } from './components/sessions/SessionsSidebar'
import { WorkArea } from './components/WorkArea'
import { useFileDrop } from './hooks/useFileDrop'
import { useAppShortcuts } from './hooks/useAppShortcuts'
import { useNarrowWindow } from './hooks/useNarrowWindow'
import type { AppState } from './store/AppState'
import { useArbor } from './store/useArbor'

const selectApp = (s: AppState) => ({
  openFile: s.openFile,
  offerExtensionFolder: s.offerExtensionFolder,
  openSessionFile: s.openSessionFile,
  modelsHidden: s.modelsHidden,
  sessionsHidden: s.sessionsHidden,
  narrowPanel: s.narrowPanel,
  setNarrowPanel: s.setNarrowPanel,
  extensionsOpen: s.extensionsOpen,
  theme: s.theme,
})

const selectNothingPicked = (s: AppState) => s.ready && s.selectedPath === null && s.loadState.status === 'idle'

const isSessionFile = (file: File): boolean => file.name.toLowerCase().endsWith('.jsonl')

/**
 * The window, chat first: the header with the model bar (pick, verdict, Load/Unload), the sessions sidebar on the left,
 * the conversation (chat, tree or both) in the middle, the model panel (models, facts, fit, load, hardware) on the
 * right; in a narrow window both side panels open over the conversation.
 */
export function App() {
  const { openFile, offerExtensionFolder, openSessionFile, modelsHidden, sessionsHidden, narrowPanel, setNarrowPanel, extensionsOpen, theme } =
    useArbor(useShallow(selectApp))
  const narrow = useNarrowWindow()
  useAppShortcuts()
  const nothingPicked = useArbor(selectNothingPicked)
  // A first start in a narrow window: the model panel (choose a file, create the demo) is what there is to do.
  const opened = useRef(false)
  useEffect(() => {
    if (opened.current || !narrow || !nothingPicked) return
    opened.current = true
    setNarrowPanel('model')
  }, [narrow, nothingPicked, setNarrowPanel])
  // Wide: the panels sit beside the conversation unless folded. Narrow: the conversation has the width, a panel
  // opens over it when asked.
  const showSessions = narrow ? narrowPanel === 'sessions' : !sessionsHidden
  const showModel = narrow ? narrowPanel === 'model' : !modelsHidden
  // The colours styles.css applies: the one chosen, or for "system" what `prefers-color-scheme` says now and later.
  useEffect(() => {
    const light = window.matchMedia('(prefers-color-scheme: light)')
    const apply = () => (document.documentElement.dataset.theme = theme === 'system' ? (light.matches ? 'light' : 'dark') : theme)
    apply()
    light.addEventListener('change', apply)
    return () => light.removeEventListener('change', apply)
  }, [theme])
  // A folder is an extension; a `.jsonl` is a session; `openFile` sends a `.ts`/`.js` to the extension manager and
  // judges anything else as a model.
  const onFile = useCallback(
    (file: File, isFolder: boolean) => void (isFolder ? offerExtensionFolder(file) : isSessionFile(file) ? openSessionFile(file) : openFile(file)),
    [openFile, offerExtensionFolder, openSessionFile],
  )
  const dragging = useFileDrop(onFile)
  return (
    <div className="app">
      <a className="skip-link" href="#chat-input">
        Skip to the message box
      </a>
      <Header />
      <ConnectionBanner />
      <ErrorPanel />
      <main className={`layout${showSessions ? ' with-sessions' : ''}${showModel ? ' with-model' : ''}${narrow ? ' narrow' : ''}`}>
        {showSessions && <SessionsSidebar />}
        <WorkArea />
        {showModel && (
          <div className="column column-model" data-testid="model-panel">
            <ModelPicker />
            <ModelFactsPanel />
            <FitPanel />
            <LoadPanel />
            <SamplingPanel />
            <HardwarePanel />
          </div>
        )}
        {narrow && narrowPanel && <div className="scrim" aria-hidden="true" onClick={() => setNarrowPanel(null)} />}
      </main>
      <ExtensionManager />
      <SettingsDialog />
      <ServerDialog />
      <ConnectDialog />
      <HubDialog />
      <ExtensionNoticeToast />
      {dragging && <DropOverlay extensions={extensionsOpen} />}
    </div>
  )
}
