import { settingsDiffer } from '../../../shared/fit'
import { useShallow } from 'zustand/react/shallow'
import type { AppState } from '../store/AppState'
import { useArbor } from '../store/useArbor'
import { NARROW_QUERY } from '../hooks/useNarrowWindow'
import { VerdictBadge } from './VerdictBadge'

const selectBar = (s: AppState) => ({
  loadState: s.loadState,
  loadPending: s.loadPending,
  selectedPath: s.selectedPath,
  selectedName: s.facts?.fileName ?? null,
  report: s.report,
  estimating: s.estimating,
  fitSettings: s.fitSettings,
  threads: s.threads,
  loadModel: s.loadModel,
  cancelLoad: s.cancelLoad,
  unloadModel: s.unloadModel,
  setNarrowPanel: s.setNarrowPanel,
  setModelsHidden: s.setModelsHidden,
})

const baseName = (path: string): string => path.split(/[\\/]/).pop() ?? path

/**
 * The model bar, always in view at the top: the model picked (or loaded), whether it fits, and the one action that
 * matters now: Load, Cancel while loading, Unload; "Reload" when the settings changed since the load.
 */
export function ModelBar() {
  const s = useArbor(useShallow(selectBar))
  // Where models are picked: the model panel, beside the chat or over it in a narrow window.
  const openModelPanel = () => (window.matchMedia(NARROW_QUERY).matches ? s.setNarrowPanel('model') : s.setModelsHidden(false))
  const { loadState } = s
  const loaded = loadState.status === 'loaded' ? loadState.model : null
  const loading = loadState.status === 'loading' ? loadState : null
  const selectedIsLoaded = loaded !== null && loaded.facts.path === s.selectedPath
  const fit = s.fitSettings
  const settingsChanged = settingsDiffer(loaded?.settings ?? null, fit, s.threads)
  const name = loading ? baseName(loading.path) : (s.selectedName ?? loaded?.facts.fileName ?? null)
  const percent = loading && loading.bytesTotal > 0 ? Math.round((loading.bytesRead / loading.bytesTotal) * 100) : null
  const canLoad = !loading && s.selectedPath !== null && (!selectedIsLoaded || settingsChanged)
  const loadLabel = s.loadPending ? 'Loading…' : !loaded ? 'Load' : selectedIsLoaded ? 'Reload' : 'Load instead'
  return (
    <div className="model-bar" data-testid="model-bar" aria-label="Model">
      <span className={`dot ${loaded ? 'dot-ok' : loading ? 'dot-busy' : 'dot-idle'}`} aria-hidden="true" />
      {name ? (
        <span className="model-bar-name" title={name} data-testid="bar-model-name">
          {name}
        </span>
      ) : (
        <button type="button" className="btn btn-small btn-ghost model-bar-name" data-testid="bar-pick-model" onClick={openModelPanel}>
          Pick a model…
        </button>
      )}
      {s.report && !loading && s.selectedPath && <VerdictBadge verdict={s.report.fit.verdict} testId="bar-verdict" />}
      {loading && (
        <span className="model-bar-progress muted small" data-testid="bar-progress">
          {loading.phase === 'reading' && percent !== null ? `reading ${percent}%` : loading.phase}
        </span>
      )}
      {loading && (
        <button type="button" className="btn btn-small" data-testid="bar-cancel" onClick={() => void s.cancelLoad()}>
          Cancel
        </button>
      )}
      {canLoad && (
        <button
          type="button"
          className="btn btn-small btn-primary"
          data-testid="load-button"
          disabled={fit === null || s.loadPending}
          title={loaded ? `Unloads ${loaded.facts.fileName} first, then loads with the settings in the model panel` : 'Loads with the settings in the model panel'}
          onClick={() => void s.loadModel()}
        >
          {loadLabel}
        </button>
      )}
      {loaded && (
        <button type="button" className="btn btn-small" data-testid="unload-button" title={`Unload ${loaded.facts.fileName}`} onClick={() => void s.unloadModel()}>
          Unload
        </button>
      )}
    </div>
  )
}
