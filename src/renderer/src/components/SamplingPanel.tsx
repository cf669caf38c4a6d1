import { useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { presetOf, samplingPresets, type SamplingPreset, type SamplingSettings } from '../../../shared/sampling'
import type { AppState } from '../store/AppState'
import { useArbor } from '../store/useArbor'

const selectSampling = (s: AppState) => ({ sampling: s.sampling, model: s.samplingModel, setSampling: s.setSampling, applyPreset: s.applyPreset })

const presetNames: Record<SamplingPreset, string> = { precise: 'Precise', balanced: 'Balanced', creative: 'Creative' }

/** A decimal input that commits values inside [min, max] and shows the stored value again when left invalid. */
function DecimalField(props: { id: keyof SamplingSettings; label: string; value: number; min: number; max: number; step: number; hint: string; onCommit(v: number): void }) {
  const [text, setText] = useState(String(props.value))
  const [shown, setShown] = useState(props.value)
  if (shown !== props.value) {
    setShown(props.value)
    setText(String(props.value))
  }
  const parsed = Number(text)
  const valid = text.trim() !== '' && Number.isFinite(parsed) && parsed >= props.min && parsed <= props.max
  return (
    <div className="field sampling-field">
      <label htmlFor={`sampling-${props.id}`} title={props.hint}>
        {props.label}
      </label>
      <input
        id={`sampling-${props.id}`}
        data-testid={`sampling-${props.id}`}
        type="number"
        min={props.min}
        max={props.max}
        step={props.step}
        value={text}
        aria-invalid={!valid}
        title={valid ? props.hint : `Between ${props.min} and ${props.max}`}
        onChange={(e) => {
          setText(e.target.value)
          const n = Number(e.target.value)
          if (e.target.value.trim() !== '' && Number.isFinite(n) && n >= props.min && n <= props.max) props.onCommit(n)
        }}
        // Left out of range: the value in use is shown again, so what is shown is what is used.
        onBlur={() => setText(String(props.value))}
      />
    </div>
  )
}

/** How the next answers are sampled, per model: presets, the usual knobs, the seed, a length limit and stop texts. */
export function SamplingPanel() {
  const { sampling, model, setSampling, applyPreset } = useArbor(useShallow(selectSampling))
  const preset = presetOf(sampling)
  const [seedText, setSeedText] = useState(sampling.seed === null ? '' : String(sampling.seed))
  return (
    <section className="panel sampling" aria-labelledby="sampling-title" data-testid="sampling">
      <h2 id="sampling-title">Sampling</h2>
      <p className="muted small">
        {model ? `Remembered for ${model}.` : 'Used by the next answers; remembered per model once one is loaded.'} Every answer keeps the settings and seed it was
        made with.
      </p>
      <div className="segmented" role="group" aria-label="Presets">
        {(Object.keys(samplingPresets) as SamplingPreset[]).map((name) => (
          <button
            key={name}
            type="button"
            className={`btn btn-small${preset === name ? ' is-active' : ''}`}
            aria-pressed={preset === name}
            data-testid={`preset-${name}`}
            onClick={() => {
              applyPreset(name)
              setSeedText('')
            }}
          >
            {presetNames[name]}
          </button>
        ))}
      </div>
      <div className="sampling-grid">
        <DecimalField id="temperature" label="Temperature" value={sampling.temperature} min={0} max={5} step={0.05} hint="0 is greedy: always the likeliest token" onCommit={(v) => setSampling({ temperature: v })} />
        <DecimalField id="topP" label="Top-p" value={sampling.topP} min={0} max={1} step={0.01} hint="Keep the likeliest tokens up to this total probability (1 is off)" onCommit={(v) => setSampling({ topP: v })} />
        <DecimalField id="topK" label="Top-k" value={sampling.topK} min={0} max={100000} step={1} hint="Keep this many likeliest tokens (0 is off)" onCommit={(v) => setSampling({ topK: Math.round(v) })} />
        <DecimalField id="minP" label="Min-p" value={sampling.minP} min={0} max={1} step={0.01} hint="Drop tokens less likely than this share of the likeliest (0 is off)" onCommit={(v) => setSampling({ minP: v })} />
        <DecimalField id="repeatPenalty" label="Repeat penalty" value={sampling.repeatPenalty} min={1} max={3} step={0.01} hint="Penalise tokens used recently (1 is off)" onCommit={(v) => setSampling({ repeatPenalty: v })} />
        <DecimalField id="repeatLastTokens" label="…over tokens" value={sampling.repeatLastTokens} min={0} max={65536} step={1} hint="How far back the repeat penalty looks" onCommit={(v) => setSampling({ repeatLastTokens: Math.round(v) })} />
      </div>
      <div className="sampling-grid">
        <div className="field sampling-field">
          <label htmlFor="sampling-seed">Seed</label>
          <input
            id="sampling-seed"
            data-testid="sampling-seed"
            type="number"
            min={0}
            max={4294967295}
            placeholder="random each time"
            value={seedText}
            onChange={(e) => {
              setSeedText(e.target.value)
              const n = Number(e.target.value)
              if (e.target.value.trim() === '') setSampling({ seed: null })
              else if (Number.isInteger(n) && n >= 0 && n < 2 ** 32) setSampling({ seed: n })
            }}
            onBlur={() => setSeedText(sampling.seed === null ? '' : String(sampling.seed))}
          />
        </div>
        <div className="field sampling-field">
          <label htmlFor="sampling-max">Max tokens</label>
          <input
            id="sampling-max"
            data-testid="sampling-maxTokens"
            type="number"
            min={1}
            placeholder="until the context is full"
            value={sampling.maxTokens ?? ''}
            onChange={(e) => {
              const n = Number(e.target.value)
              setSampling({ maxTokens: e.target.value.trim() === '' || !Number.isInteger(n) || n < 1 ? null : n })
            }}
          />
        </div>
      </div>
      <div className="field">
        <label htmlFor="sampling-stop">Stop texts (one per line, up to 8)</label>
        <textarea
          id="sampling-stop"
          data-testid="sampling-stop"
          rows={2}
          value={sampling.stop.join('\n')}
          onChange={(e) => setSampling({ stop: e.target.value.split('\n').filter((line) => line !== '') })}
        />
      </div>
    </section>
  )
}
