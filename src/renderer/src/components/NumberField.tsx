import { useState } from 'react'

export type NumberFieldProps = {
  id: string
  label: string
  value: number
  min: number
  max: number
  step?: number
  disabled?: boolean
  testId?: string
  /** Keeps the label for screen readers only (when a visible label sits beside). Defaults to `false`. */
  hideLabel?: boolean
  /** Called with each typed value that is a whole number within [min, max]. */
  onCommit(value: number): void
}

/** A labelled whole-number input that lets the user type freely and commits only valid values. */
export function NumberField({ id, label, value, min, max, step = 1, disabled, testId, hideLabel = false, onCommit }: NumberFieldProps) {
  const [draft, setDraft] = useState(String(value))
  const [shown, setShown] = useState(value)
  if (shown !== value) {
    setShown(value)
    setDraft(String(value))
  }
  const valid = (text: string) => {
    const n = Number(text)
    return text.trim() !== '' && Number.isInteger(n) && n >= min && n <= max
  }
  return (
    <div className="field">
      <label htmlFor={id} className={hideLabel ? 'visually-hidden' : undefined}>
        {label}
      </label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={min}
        max={max}
        step={step}
        value={draft}
        disabled={disabled}
        aria-invalid={!valid(draft)}
        data-testid={testId}
        onChange={(e) => {
          setDraft(e.target.value)
          if (valid(e.target.value)) onCommit(Number(e.target.value))
        }}
        onBlur={() => {
          // Out of range: corrected to the nearest allowed value, in view, so the verdict describes what is shown.
          const n = Math.round(Number(draft))
          if (draft.trim() !== '' && Number.isFinite(n) && !valid(draft)) {
            const corrected = Math.min(max, Math.max(min, n))
            setDraft(String(corrected))
            if (corrected !== value) onCommit(corrected)
          } else setDraft(String(value))
        }}
      />
    </div>
  )
}
