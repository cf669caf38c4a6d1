import { useState, type FormEvent } from 'react'
import type { ExtensionView } from '../../../../shared/contract'
import type { AppState } from '../../store/AppState'
import { useArbor } from '../../store/useArbor'

const selectSave = (s: AppState) => s.saveExtensionSettings
const selectBusy = (s: AppState) => s.extensionBusy

const valuesOf = (extension: ExtensionView): Record<string, string> => Object.fromEntries(extension.settings.map((s) => [s.name, s.value]))

/**
 * The settings an extension's manifest declares (the folder its tools may read, say), each with its description
 * and default. Saving restarts the extension with them; an empty field means the default.
 */
export function ExtensionSettings({ extension }: { extension: ExtensionView }) {
  const save = useArbor(selectSave)
  const busy = useArbor(selectBusy) === extension.name
  const [values, setValues] = useState(() => valuesOf(extension))
  const saved = valuesOf(extension)
  const dirty = extension.settings.some((s) => (values[s.name] ?? '') !== s.value)
  if (extension.settings.length === 0) return null

  const submit = (e: FormEvent) => {
    e.preventDefault()
    void save(extension.name, values)
  }

  return (
    <form className="ext-row ext-settings" data-testid="extension-settings" onSubmit={submit}>
      <span className="ext-label">Settings</span>
      <div className="ext-settings-fields">
        {extension.settings.map((s) => (
          <label key={s.name} className="ext-setting">
            <span className="ext-setting-name">{s.name}</span>
            {s.description && <span className="muted small">{s.description}</span>}
            <input
              type="text"
              className="text-input"
              data-testid={`extension-setting-${s.name}`}
              value={values[s.name] ?? ''}
              placeholder={s.default ? `default: ${s.default}` : ''}
              onChange={(e) => setValues({ ...values, [s.name]: e.target.value })}
            />
          </label>
        ))}
        <div className="ext-setting-actions">
          <button type="submit" className="btn btn-small" data-testid="extension-settings-save" disabled={!dirty || busy}>
            Save and restart
          </button>
          {dirty && (
            <button type="button" className="btn btn-small" onClick={() => setValues(saved)}>
              Undo changes
            </button>
          )}
        </div>
      </div>
    </form>
  )
}
