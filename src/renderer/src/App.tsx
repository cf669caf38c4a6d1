import { ChatPane } from './components/ChatPane'
import { ConnectionBanner } from './components/ConnectionBanner'
import { DropOverlay } from './components/DropOverlay'
import { ErrorPanel } from './components/ErrorPanel'
import { FitPanel } from './components/FitPanel'
import { HardwarePanel } from './components/HardwarePanel'
import { Header } from './components/Header'
import { LoadPanel } from './components/LoadPanel'
import { ModelFactsPanel } from './components/ModelFactsPanel'
import { ModelPicker } from './components/ModelPicker'
import { useFileDrop } from './hooks/useFileDrop'
import type { AppState } from './store/AppState'
import { useArbor } from './store/useArbor'

const selectOpenFile = (s: AppState) => s.openFile

/** The window: header, the model column (pick, facts, fit, load) and the chat column. */
export function App() {
  const openFile = useArbor(selectOpenFile)
  const dragging = useFileDrop(openFile)
  return (
    <div className="app">
      <Header />
      <ConnectionBanner />
      <ErrorPanel />
      <main className="columns">
        <div className="column column-model">
          <ModelPicker />
          <ModelFactsPanel />
          <FitPanel />
          <LoadPanel />
          <HardwarePanel />
        </div>
        <div className="column column-chat">
          <ChatPane />
        </div>
      </main>
      {dragging && <DropOverlay />}
    </div>
  )
}
