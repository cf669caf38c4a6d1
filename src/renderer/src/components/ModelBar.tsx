import { settingsDiffer } from '../../../shared/fit'
import { isServedModel } from '../../../shared/types'
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
  setConnectOpen: s.setConnectOpen,
  remote: s.remote,
})

const baseName = (path: string): string => path.split(/[\\/]/).pop() ?? path

/**
 * The model bar, always in view at the top: the model picked (or loaded), whether it fits, and the one action that
 * matters now: Load, Cancel while loading, Unload; "Reload" when the settings changed since the load. A model a
 * server runs shows where, and "Disconnect"; "Connect to a server…" opens the dialog that picks one.
 */
export function ModelBar() {
  const s = useArbor(useShallow(selectBar))
  // Where models are picked: the model panel, beside the chat or over it in a narrow window.
  const openModelPanel = () => (window.matchMedia(NARROW_QUERY).matches ? s.setNarrowPanel('model') : s.setModelsHidden(false))
  const { loadState } = s
  const loaded = loadState.status === 'loaded' ? loadState.model : null
  const loading = loadState.status === 'loading' ? loadState : null
  // A model a server runs: its name and where, no fit verdict (memory is the server's), Disconnect.
  const served = loaded !== null && isServedModel(loaded) ? loaded : null
  const selectedIsLoaded = loaded !== null && loaded.facts.path === s.selectedPath
  const fit = s.fitSettings
  const settingsChanged = settingsDiffer(loaded?.settings ?? null, fit, s.threads)
  const name = loading ? baseName(loading.path) : served ? served.facts.fileName : (s.selectedName ?? loaded?.facts.fileName ?? null)
  const host = served ? (s.remote?.baseUrl ?? served.facts.path.split('#')[0]!).replace(/^https?:\/\//, '') : null
  const percent = loading && loading.bytesTotal > 0 ? Math.round((loading.bytesRead / loading.bytesTotal) * 100) : null
  const canLoad = !loading && s.selectedPath !== null && (!selectedIsLoaded || settingsChanged)
  const loadLabel = s.loadPending ? 'Loading…' : !loaded ? 'Load' : selectedIsLoaded ? 'Reload' : 'Load instead'
  const loadTitle = served ? `Stops using ${served.facts.fileName} on the server and loads the picked file here` : loaded ? `Unloads ${loaded.facts.fileName} first, then loads with the settings in the model panel` : 'Loads with the settings in the model panel'
  return (
    <div className="model-bar" data-testid="model-bar" aria-label="Model">
      <span className={`dot ${loaded ? 'dot-ok' : loading ? 'dot-busy' : 'dot-idle'}`} aria-hidden="true" />
      {name ? (
        <span className="model-bar-name" title={host ? `${name} on ${host}` : name} data-testid="bar-model-name">
          {name}
        </span>
      ) : (
        <button type="button" className="btn btn-small btn-ghost model-bar-name" data-testid="bar-pick-model" onClick={openModelPanel}>
          Pick a model…
        </button>
      )}
      {host && (
        <span className="model-bar-server" data-testid="bar-server" title={`Served by ${s.remote?.kind ?? 'a server'} at ${host}: memory and speed are the server's`}>
          on {host}
        </span>
      )}
      {s.report && !loading && !served && s.selectedPath && <VerdictBadge verdict={s.report.fit.verdict} testId="bar-verdict" />}
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
          title={loadTitle}
          onClick={() => void s.loadModel()}
        >
          {loadLabel}
        </button>
      )}
      {loaded && (
        <button
          type="button"
          className="btn btn-small"
          data-testid="unload-button"
          title={served ? `Stop using ${host}: the model stays loaded there` : `Unload ${loaded.facts.fileName}`}
          onClick={() => void s.unloadModel()}
        >
          {served ? 'Disconnect' : 'Unload'}
        </button>
      )}
      {!loading && (
        <button type="button" className="btn btn-small btn-ghost" data-testid="bar-connect" title="Connect to a server: use a model served by another machine (llama-server, vLLM, Ollama, LM Studio, Arbor)" onClick={() => s.setConnectOpen(true)}>
          {served ? 'Server…' : 'Connect…'}
        </button>
      )}
    </div>
  )
}
