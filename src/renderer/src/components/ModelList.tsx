import { useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { formatBytes } from '../../../shared/format'
import type { AppState } from '../store/AppState'
import { useArbor } from '../store/useArbor'

const selectList = (s: AppState) => ({
  models: s.models,
  modelsFolder: s.modelsFolder,
  selectedPath: s.selectedPath,
  selectModel: s.selectModel,
  deleteModel: s.deleteModel,
  loadedPath: s.loadState.status === 'loaded' ? s.loadState.model.facts.path : null,
})

/** The `.gguf` files of the models folder; clicking one selects it; each can be deleted, after a confirmation. */
export function ModelList() {
  const { models, modelsFolder, selectedPath, selectModel, deleteModel, loadedPath } = useArbor(useShallow(selectList))
  const [confirming, setConfirming] = useState<string | null>(null)
  return (
    <div className="model-list">
      <h3>
        Models folder {modelsFolder && <span className="muted small path" title={modelsFolder}>{modelsFolder}</span>}
      </h3>
      {models.length === 0 ? (
        <p className="muted small" data-testid="models-empty">
          No .gguf files in the models folder yet.
        </p>
      ) : (
        <ul>
          {models.map((m) => (
            <li key={m.path} className="model-row">
              {confirming === m.path ? (
                <div className="model-confirm" role="group" aria-label={`Delete ${m.fileName}?`} data-testid="model-confirm">
                  <span className="small">
                    Delete {m.fileName} and free {formatBytes(m.fileBytes)}?
                  </span>
                  <button type="button" className="btn btn-small btn-danger" data-testid="model-delete-confirm" onClick={() => void deleteModel(m.path).then(() => setConfirming(null))}>
                    Delete
                  </button>
                  <button type="button" className="btn btn-small" onClick={() => setConfirming(null)}>
                    Keep
                  </button>
                </div>
              ) : (
              <button
                type="button"
                className="model-entry"
                data-testid="model-entry"
                aria-pressed={m.path === selectedPath}
                title={m.path}
                onClick={() => void selectModel(m.path, m.fileName)}
              >
                <span className="model-entry-name">{m.fileName}</span>
                {m.isDemo && <span className="badge badge-demo">demo</span>}
                <span className="model-entry-size muted">{formatBytes(m.fileBytes)}</span>
              </button>
              )}
              {confirming !== m.path && (
                <button
                  type="button"
                  className="btn btn-small btn-ghost model-delete"
                  data-testid="model-delete"
                  aria-label={`Delete ${m.fileName}`}
                  title={m.path === loadedPath ? 'Unload it first' : `Delete ${m.fileName}`}
                  disabled={m.path === loadedPath}
                  onClick={() => setConfirming(m.path)}
                >
                  ✕
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
