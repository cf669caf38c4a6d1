import { useShallow } from 'zustand/react/shallow'
import { MAX_CONTEXT_SIZE } from '../../../shared/fit'
import { kvCacheTypes, type KvCacheType } from '../../../shared/types'
import type { AppState } from '../store/AppState'
import { useArbor } from '../store/useArbor'
import { NumberField } from './NumberField'

const CONTEXT_STEP = 256
const MAX_SEQUENCES = 16
const MAX_THREADS = 512

const selectControls = (s: AppState) => ({
  settings: s.fitSettings,
  trainContextSize: s.facts?.trainContextSize ?? 0,
  maxGpuLayers: s.report?.maxGpuLayers ?? 0,
  threads: s.threads,
  recommendedThreads: s.report?.recommendedThreads ?? s.hardware?.defaultThreads ?? null,
  setFit: s.setFit,
  setThreads: s.setThreads,
})

const isKvCacheType = (value: string): value is KvCacheType => (kvCacheTypes as readonly string[]).includes(value)

/** The settings that decide memory use; each change re-estimates. */
export function FitControls() {
  const { settings, trainContextSize, maxGpuLayers, threads, recommendedThreads, setFit, setThreads } = useArbor(useShallow(selectControls))
  if (!settings) return null
  const maxContext = Math.min(MAX_CONTEXT_SIZE, Math.max(trainContextSize || 2048, settings.contextSize))
  const minContext = Math.min(CONTEXT_STEP, maxContext)
  const noGpu = maxGpuLayers === 0
  return (
    <div className="fit-controls">
      <div className="field field-wide">
        <label htmlFor="fit-context">
          Context size <span className="muted small">(tokens, trained on {trainContextSize.toLocaleString('en-US')})</span>
        </label>
        <div className="slider-row">
          <input
            id="fit-context"
            type="range"
            min={minContext}
            max={maxContext}
            step={CONTEXT_STEP}
            value={settings.contextSize}
            data-testid="context-slider"
            onChange={(e) => setFit({ contextSize: Number(e.target.value) })}
          />
          <NumberField
            id="fit-context-number"
            label="Context size (number)"
            value={settings.contextSize}
            min={Math.min(16, minContext)}
            max={maxContext}
            testId="context-input"
            hideLabel
            onCommit={(contextSize) => setFit({ contextSize })}
          />
        </div>
      </div>
      <div className="field field-wide">
        <label htmlFor="fit-gpu-layers">
          GPU layers{' '}
          <span className="muted small" data-testid="gpu-layers-value">
            {Math.min(settings.gpuLayers, maxGpuLayers)} of {maxGpuLayers}
          </span>
        </label>
        <input
          id="fit-gpu-layers"
          type="range"
          min={0}
          max={maxGpuLayers}
          step={1}
          value={Math.min(settings.gpuLayers, maxGpuLayers)}
          disabled={noGpu}
          data-testid="gpu-layers-slider"
          onChange={(e) => setFit({ gpuLayers: Number(e.target.value) })}
        />
        {noGpu && (
          <p className="muted small" data-testid="gpu-layers-note">
            No GPU on this machine: every layer runs on the CPU, in RAM.
          </p>
        )}
      </div>
      <div className="field-grid">
        <NumberField
          id="fit-sequences"
          label="Agents (parallel sequences)"
          value={settings.sequences}
          min={1}
          max={MAX_SEQUENCES}
          testId="sequences-input"
          onCommit={(sequences) => setFit({ sequences })}
        />
        <div className="field">
          <label htmlFor="fit-kv-type">KV cache type</label>
          <select
            id="fit-kv-type"
            value={settings.kvCacheType}
            data-testid="kv-cache-select"
            onChange={(e) => {
              if (isKvCacheType(e.target.value)) setFit({ kvCacheType: e.target.value })
            }}
          >
            {kvCacheTypes.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </div>
        <NumberField
          id="fit-threads"
          label={`Threads${recommendedThreads ? ` (recommended ${recommendedThreads})` : ''}`}
          value={threads ?? recommendedThreads ?? 1}
          min={1}
          max={MAX_THREADS}
          testId="threads-input"
          onCommit={setThreads}
        />
      </div>
    </div>
  )
}
