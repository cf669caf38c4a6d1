import { useRef, type ChangeEvent } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { AppState } from '../store/AppState'
import { useArbor } from '../store/useArbor'
import { ModelList } from './ModelList'
import { UploadProgress } from './UploadProgress'

const selectPicker = (s: AppState) => ({
  hasSelection: s.selectedPath !== null,
  inspecting: s.inspecting,
  creatingDemo: s.creatingDemo,
  transport: s.transport,
  openFile: s.openFile,
  createDemo: s.createDemo,
  openHub: s.setHubOpen,
  openConnect: s.setConnectOpen,
})

/** The ways to open a model: drop, choose a file, pick from the models folder, or make the demo. */
export function ModelPicker() {
  const { hasSelection, inspecting, creatingDemo, transport, openFile, createDemo, openHub, openConnect } = useArbor(useShallow(selectPicker))
  const input = useRef<HTMLInputElement>(null)

  const onChosen = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0]
    e.target.value = ''
    if (file) void openFile(file)
  }

  return (
    <section className="panel" aria-labelledby="models-title" data-testid="models">
      <h2 id="models-title">Models</h2>
      {!hasSelection && (
        <div className="empty-state" data-testid="empty-state">
          <p className="empty-title">No model selected</p>
          <p>
            Drop a <code>.gguf</code> file anywhere on this window, choose one from disk, get one from Hugging Face, pick one
            from the models folder below, or create the demo model.
          </p>
          {transport === 'headless' && (
            <p className="muted small">In the browser, a chosen or dropped file is uploaded to the machine running Arbor.</p>
          )}
        </div>
      )}
      <div className="button-row">
        <button type="button" className="btn btn-primary" data-testid="choose-file" onClick={() => input.current?.click()}>
          Choose a .gguf file…
        </button>
        <input
          ref={input}
          type="file"
          accept=".gguf"
          className="visually-hidden"
          tabIndex={-1}
          aria-label="Model file"
          data-testid="file-input"
          onChange={onChosen}
        />
        <button type="button" className="btn" data-testid="open-hub" onClick={() => openHub(true)}>
          Get models…
        </button>
        <button type="button" className="btn" data-testid="open-connect" title="Use a model served by another machine (llama-server, vLLM, Ollama, LM Studio, Arbor)" onClick={() => openConnect(true)}>
          Connect to a server…
        </button>
        <button type="button" className="btn" data-testid="create-demo" disabled={creatingDemo} onClick={() => void createDemo()}>
          {creatingDemo ? 'Creating demo model…' : 'Create demo model'}
        </button>
      </div>
      <p className="muted small">
        The demo model is a tiny generated model that always answers the same sentence — for trying Arbor, not a real
        language model.
      </p>
      <UploadProgress />
      {inspecting && (
        <p className="status-line" role="status" data-testid="inspecting">
          Reading the header of {inspecting}…
        </p>
      )}
      <ModelList />
    </section>
  )
}
