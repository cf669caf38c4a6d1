import { useCallback } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { ConnectionBanner } from './components/ConnectionBanner'
import { DropOverlay } from './components/DropOverlay'
import { ErrorPanel } from './components/ErrorPanel'
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

const selectApp = (s: AppState) => ({ openFile: s.openFile, openSessionFile: s.openSessionFile, modelsHidden: s.modelsHidden })

const isSessionFile = (file: File): boolean => file.name.toLowerCase().endsWith('.jsonl')

/** The window: header, the sessions sidebar, the model column (pick, facts, fit, load) and the conversation. */
export function App() {
  const { openFile, openSessionFile, modelsHidden } = useArbor(useShallow(selectApp))
  // A `.jsonl` is a session; anything else is judged as a model by its header.
  const onFile = useCallback((file: File) => void (isSessionFile(file) ? openSessionFile(file) : openFile(file)), [openFile, openSessionFile])
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
      {dragging && <DropOverlay />}
    </div>
  )
}
