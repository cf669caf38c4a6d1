import { useCallback } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { ConnectionBanner } from './components/ConnectionBanner'
import { DropOverlay } from './components/DropOverlay'
import { ErrorPanel } from './components/ErrorPanel'
import { ExtensionManager } from './components/extensions/ExtensionManager'
import { ExtensionNoticeToast } from './components/extensions/ExtensionNoticeToast'
import { FitPanel } from './components/FitPanel'
import { HardwarePanel } from './components/HardwarePanel'
import { Header } from './components/Header'
import { LoadPanel } from './components/LoadPanel'
import { ModelFactsPanel } from './components/ModelFactsPanel'
import { ModelPicker } from './components/ModelPicker'
import { SessionsSidebar } from './components/sessions/SessionsSidebar'
import { WorkArea } from './components/WorkArea'
import { useFileDrop } from './hooks/useFileDrop'
import type { AppState } from './store/AppState'
import { useArbor } from './store/useArbor'

const selectApp = (s: AppState) => ({
  openFile: s.openFile,
  offerExtensionFolder: s.offerExtensionFolder,
  openSessionFile: s.openSessionFile,
  modelsHidden: s.modelsHidden,
  extensionsOpen: s.extensionsOpen,
})

const isSessionFile = (file: File): boolean => file.name.toLowerCase().endsWith('.jsonl')

/** The window: header, the sessions sidebar, the model column (pick, facts, fit, load), the conversation, and the extension manager. */
export function App() {
  const { openFile, offerExtensionFolder, openSessionFile, modelsHidden, extensionsOpen } = useArbor(useShallow(selectApp))
  // A folder is an extension; a `.jsonl` is a session; `openFile` sends a `.ts`/`.js` to the extension manager and
  // judges anything else as a model.
  const onFile = useCallback(
    (file: File, isFolder: boolean) => void (isFolder ? offerExtensionFolder(file) : isSessionFile(file) ? openSessionFile(file) : openFile(file)),
    [openFile, offerExtensionFolder, openSessionFile],
  )
  const dragging = useFileDrop(onFile)
  return (
    <div className="app">
      <Header />
      <ConnectionBanner />
      <ErrorPanel />
      <main className={`layout${modelsHidden ? ' models-hidden' : ''}`}>
        <SessionsSidebar />
        {!modelsHidden && (
          <div className="column column-model">
            <ModelPicker />
            <ModelFactsPanel />
            <FitPanel />
            <LoadPanel />
            <HardwarePanel />
          </div>
        )}
        <WorkArea />
      </main>
      <ExtensionManager />
      <ExtensionNoticeToast />
      {dragging && <DropOverlay extensions={extensionsOpen} />}
    </div>
  )
}
