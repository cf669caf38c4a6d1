import { useEffect, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { formatBytes, formatCount } from '../../../shared/format'
import type { ModelEntry } from '../../../shared/types'
import type { AppState } from '../store/AppState'
import { useArbor } from '../store/useArbor'
import { formatRelativeTime } from './sessions/formatRelativeTime'
import { VerdictBadge } from './VerdictBadge'

const selectList = (s: AppState) => ({
  models: s.models,
  modelsFolder: s.modelsFolder,
  selectedPath: s.selectedPath,
  selectModel: s.selectModel,
  describeModels: s.describeModels,
  loadedPath: s.loadState.status === 'loaded' ? s.loadState.model.facts.path : null,
})

/**
 * The models folder as a library: each file with what it is (architecture, parameters, quantization), when it was
 * last loaded and whether it fits at the settings it was loaded with; clicking one selects it (with those
 * settings); each can be renamed, shown in the file manager (desktop) and deleted, after a confirmation.
 */
export function ModelList() {
  const { models, modelsFolder, selectedPath, selectModel, describeModels, loadedPath } = useArbor(useShallow(selectList))
  const [editing, setEditing] = useState<{ path: string; mode: 'rename' | 'delete' } | null>(null)
  useEffect(() => void describeModels(models), [models, describeModels])
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
            <li key={m.path} className="model-row" data-testid="model-row">
              {editing?.path === m.path && editing.mode === 'delete' ? (
                <DeleteConfirm model={m} onDone={() => setEditing(null)} />
              ) : editing?.path === m.path ? (
                <RenameField model={m} onDone={() => setEditing(null)} />
              ) : (
                <>
                  <button
                    type="button"
                    className="model-entry"
                    data-testid="model-entry"
                    aria-pressed={m.path === selectedPath}
                    title={m.path}
                    onClick={() => void selectModel(m.path, m.fileName)}
                  >
                    <span className="model-entry-top">
                      <span className="model-entry-name">{m.fileName}</span>
                      {m.isDemo && <span className="badge badge-demo">demo</span>}
                      <span className="model-entry-size muted">{formatBytes(m.fileBytes)}</span>
                    </span>
                    <ModelLine model={m} />
                  </button>
                  <RowActions model={m} loaded={m.path === loadedPath} onEdit={(mode) => setEditing({ path: m.path, mode })} />
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}

/** What the file is, when it was used, and its fit badge (once described). */
function ModelLine({ model }: { model: ModelEntry }) {
  const facts = useArbor((s) => s.library[model.path])
  const used = model.lastUsedAt ? `used ${formatRelativeTime(model.lastUsedAt, Date.now())}` : 'never loaded'
  if (!facts) return <span className="model-entry-facts muted small">reading its header…</span>
  if (!facts.ok)
    return (
      <span className="model-entry-facts small model-entry-bad" data-testid="model-facts" title={facts.message}>
        {facts.code}: not a model Arbor can load
      </span>
    )
  const d = facts.description
  return (
    <span className="model-entry-facts muted small" data-testid="model-facts">
      <span>
        {d.architecture} · {formatCount(d.parameters)} · {d.fileType} · <span data-testid="model-used">{used}</span>
      </span>
      <span title={`At ${d.settings.contextSize.toLocaleString('en-US')} tokens × ${d.settings.sequences} ${model.settings ? '(its last settings)' : '(recommended)'}`}>
        <VerdictBadge verdict={d.verdict} testId="model-verdict" />
      </span>
    </span>
  )
}

function RowActions({ model, loaded, onEdit }: { model: ModelEntry; loaded: boolean; onEdit(mode: 'rename' | 'delete'): void }) {
  const { transport, revealModel } = useArbor(useShallow((s: AppState) => ({ transport: s.transport, revealModel: s.revealModel })))
  const busy = loaded ? 'Unload it first' : null
  return (
    <span className="model-actions">
      <button type="button" className="btn btn-small btn-ghost" data-testid="model-rename" aria-label={`Rename ${model.fileName}`} title={busy ?? 'Rename'} disabled={loaded} onClick={() => onEdit('rename')}>
        ✎
      </button>
      {transport === 'electron' && (
        <button type="button" className="btn btn-small btn-ghost" data-testid="model-reveal" aria-label={`Show ${model.fileName} in its folder`} title="Show in folder" onClick={() => void revealModel(model.path)}>
          ⤴
        </button>
      )}
      <button type="button" className="btn btn-small btn-ghost model-delete" data-testid="model-delete" aria-label={`Delete ${model.fileName}`} title={busy ?? `Delete ${model.fileName}`} disabled={loaded} onClick={() => onEdit('delete')}>
        ✕
      </button>
    </span>
  )
}

function DeleteConfirm({ model, onDone }: { model: ModelEntry; onDone(): void }) {
  const deleteModel = useArbor((s) => s.deleteModel)
  return (
    <div className="model-confirm" role="group" aria-label={`Delete ${model.fileName}?`} data-testid="model-confirm">
      <span className="small">
        Delete {model.fileName} and free {formatBytes(model.fileBytes)}?
      </span>
      <button type="button" className="btn btn-small btn-danger" data-testid="model-delete-confirm" onClick={() => void deleteModel(model.path).then(onDone)}>
        Delete
      </button>
      <button type="button" className="btn btn-small" onClick={onDone}>
        Keep
      </button>
    </div>
  )
}

function RenameField({ model, onDone }: { model: ModelEntry; onDone(): void }) {
  const renameModel = useArbor((s) => s.renameModel)
  const [name, setName] = useState(model.fileName.replace(/\.gguf$/i, ''))
  const submit = () => {
    const next = name.trim()
    if (!next || `${next}.gguf` === model.fileName) return onDone()
    void renameModel(model.path, next).then((done) => done && onDone())
  }
  return (
    <form
      className="model-confirm model-rename"
      onSubmit={(e) => {
        e.preventDefault()
        submit()
      }}
    >
      <input
        type="text"
        className="text-input"
        aria-label={`New name for ${model.fileName}`}
        data-testid="model-rename-input"
        value={name}
        autoFocus
        maxLength={200}
        onChange={(e) => setName(e.target.value)}
        onKeyDown={(e) => e.key === 'Escape' && onDone()}
      />
      <span className="muted small">.gguf</span>
      <button type="submit" className="btn btn-small" data-testid="model-rename-save">
        Rename
      </button>
      <button type="button" className="btn btn-small" onClick={onDone}>
        Cancel
      </button>
    </form>
  )
}
