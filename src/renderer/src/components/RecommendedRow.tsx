import { useShallow } from 'zustand/react/shallow'
import type { AppState } from '../store/AppState'
import { useArbor } from '../store/useArbor'

const selectRecommended = (s: AppState) => ({
  recommended: s.report?.recommended ?? null,
  recommendedThreads: s.report?.recommendedThreads ?? null,
  threads: s.threads,
  settings: s.fitSettings,
  useRecommended: s.useRecommended,
})

/** What Arbor recommends for this machine, and a button to apply it. */
export function RecommendedRow() {
  const { recommended, recommendedThreads, threads, settings, useRecommended } = useArbor(useShallow(selectRecommended))
  if (!recommended)
    return (
      <p className="recommended muted" data-testid="recommended">
        Nothing fits on this machine
        {settings ? ` with ${settings.sequences} ${settings.sequences === 1 ? 'agent' : 'agents'} and a ${settings.kvCacheType} KV cache` : ''},
        even at the smallest context.
      </p>
    )
  const applied =
    settings !== null &&
    settings.gpuLayers === recommended.gpuLayers &&
    settings.contextSize === recommended.contextSize &&
    settings.sequences === recommended.sequences &&
    settings.kvCacheType === recommended.kvCacheType &&
    (recommendedThreads === null || threads === recommendedThreads)
  return (
    <div className="recommended">
      <span data-testid="recommended">
        Recommended: {recommended.gpuLayers} GPU layers, context {recommended.contextSize.toLocaleString('en-US')}
        {recommended.sequences > 1 ? `, ${recommended.sequences} agents` : ''}, KV {recommended.kvCacheType}
        {recommendedThreads !== null ? `, ${recommendedThreads} thread${recommendedThreads === 1 ? '' : 's'}` : ''}
      </span>
      <button type="button" className="btn btn-small" data-testid="use-recommended" onClick={useRecommended}>
        Use recommended
      </button>
      {applied && <span className="muted small">in use</span>}
    </div>
  )
}
