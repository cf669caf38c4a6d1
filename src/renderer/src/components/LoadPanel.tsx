import { settingsDiffer } from '../../../shared/fit'
import { useShallow } from 'zustand/react/shallow'
import type { AppState } from '../store/AppState'
import { useArbor } from '../store/useArbor'
import { LoadProgress } from './LoadProgress'
import { MemoryGauge } from './MemoryGauge'
import { TooLargeNotice } from './TooLargeNotice'

const selectLoad = (s: AppState) => ({
  loadState: s.loadState,
  tooLarge: s.tooLarge,
  loadNote: s.loadNote,
  selectedPath: s.selectedPath,
  fitSettings: s.fitSettings,
  threads: s.threads,
  shownErrorCode: s.error?.code ?? null,
  loadModel: s.loadModel,
  cancelLoad: s.cancelLoad,
  dismissTooLarge: s.dismissTooLarge,
})

const baseName = (path: string): string => path.split(/[\\/]/).pop() ?? path

/** Loading the selected model with the fit settings, its progress, and the loaded model's live memory. */
export function LoadPanel() {
  const s = useArbor(useShallow(selectLoad))
  const { loadState } = s
  if (!s.selectedPath && loadState.status === 'idle') return null
  const loaded = loadState.status === 'loaded' ? loadState.model : null
  const loading = loadState.status === 'loading' ? loadState : null
  const selectedIsLoaded = loaded !== null && loaded.facts.path === s.selectedPath
  const fit = s.fitSettings
  const settingsChanged = settingsDiffer(loaded?.settings ?? null, fit, s.threads)
  const loadError = loadState.status === 'error' ? loadState.error : null
  return (
    <section className="panel" aria-labelledby="load-title" data-testid="load">
      <h2 id="load-title">Load</h2>
      {loading && (
        <LoadProgress
          fileName={baseName(loading.path)}
          phase={loading.phase}
          bytesRead={loading.bytesRead}
          bytesTotal={loading.bytesTotal}
          onCancel={() => void s.cancelLoad()}
        />
      )}
      {loaded && (
        <div className="loaded">
          <div className="loaded-row">
            <span data-testid="loaded-info">
              <span className="dot dot-ok" aria-hidden="true" /> Loaded <strong>{loaded.facts.fileName}</strong> in{' '}
              <span data-testid="load-time">{(loaded.loadMs / 1000).toFixed(2)} s</span> · {loaded.settings.gpuLayers} GPU layers ·
              context {loaded.settings.contextSize.toLocaleString('en-US')} · {loaded.settings.threads}{' '}
              {loaded.settings.threads === 1 ? 'thread' : 'threads'}
            </span>
          </div>
          <MemoryGauge model={loaded} />
        </div>
      )}
      {!loading && s.selectedPath && (!selectedIsLoaded || settingsChanged) && (
        <p className="muted small" data-testid="load-hint">
          {loaded ? 'The settings differ from the loaded model’s: Reload (top bar) applies them.' : 'Load (top bar) uses these settings.'}
        </p>
      )}
      {s.tooLarge && (
        <TooLargeNotice error={s.tooLarge} onLoadAnyway={() => void s.loadModel(true)} onDismiss={s.dismissTooLarge} />
      )}
      {loadError && !s.tooLarge && loadError.code !== s.shownErrorCode && (
        <p className="load-error" data-testid="load-error" role="alert">
          <code className="error-code">{loadError.code}</code> — {loadError.message}
        </p>
      )}
      {s.loadNote && (
        <p className="muted" data-testid="load-note">
          {s.loadNote}
        </p>
      )}
    </section>
  )
}
