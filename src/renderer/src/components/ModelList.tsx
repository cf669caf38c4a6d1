import { useShallow } from 'zustand/react/shallow'
import { formatBytes } from '../../../shared/format'
import type { AppState } from '../store/AppState'
import { useArbor } from '../store/useArbor'

const selectList = (s: AppState) => ({
  models: s.models,
  modelsFolder: s.modelsFolder,
  selectedPath: s.selectedPath,
  selectModel: s.selectModel,
})

/** The `.gguf` files of the models folder; clicking one selects it. */
export function ModelList() {
  const { models, modelsFolder, selectedPath, selectModel } = useArbor(useShallow(selectList))
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
            <li key={m.path}>
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
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
