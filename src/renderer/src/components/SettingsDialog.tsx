import { useCallback, useState } from 'react'
import { useEscapeToClose } from '../hooks/useEscapeToClose'
import { useShallow } from 'zustand/react/shallow'
import { MAX_COMPACTION_TOKENS, type AppSettings } from '../../../shared/appSettings'
import { compactionSettings, OVERFLOW_POLICIES, type OverflowPolicy } from '../../../shared/contextBudget'
import type { AppState } from '../store/AppState'
import { useArbor } from '../store/useArbor'

const selectSettings = (s: AppState) => ({
  open: s.settingsOpen,
  setOpen: s.setSettingsOpen,
  settings: s.settings,
  warning: s.settingsWarning,
  update: s.updateSettings,
  contextSize: s.loadState.status === 'loaded' ? s.loadState.model.settings.contextSize : null,
})

const POLICIES: Record<OverflowPolicy, { label: string; what: string }> = {
  compact: { label: 'Compact', what: 'The old part is summarised by the loaded model into a Pi compaction entry; the full history stays in the file.' },
  truncateMiddle: { label: 'Drop the middle', what: 'The first turn and the most recent ones are sent; the messages between are left out of that turn (the turn says how many).' },
  stop: { label: 'Refuse', what: 'The message is not sent; the draft stays, with the numbers.' },
}

const fmt = (n: number) => n.toLocaleString('en-US')

/** A size in tokens, or empty for the automatic one; committed on Enter or when the field is left. */
function TokensField({ id, label, value, onCommit }: { id: string; label: string; value: number | null; onCommit(value: number | null): void }) {
  const [text, setText] = useState(value === null ? '' : String(value))
  const [shown, setShown] = useState(value)
  if (shown !== value) {
    setShown(value)
    setText(value === null ? '' : String(value))
  }
  const parsed = text.trim() === '' ? null : Number(text)
  const valid = parsed === null || (Number.isInteger(parsed) && parsed >= 1 && parsed <= MAX_COMPACTION_TOKENS)
  const commit = () => {
    if (valid && parsed !== value) onCommit(parsed)
  }
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        data-testid={id}
        type="text"
        inputMode="numeric"
        placeholder="automatic"
        value={text}
        aria-invalid={!valid}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
      />
      {!valid && <span className="field-error small">A whole number of tokens from 1 to {fmt(MAX_COMPACTION_TOKENS)}, or empty for automatic.</span>}
    </div>
  )
}

/** The app settings the core keeps for every session and UI: what a full context does, and the compaction sizes. */
/** The token for gated and private models: typed hidden, saved when left, sent only to the Hub. */
function HubTokenField({ token, onCommit }: { token: string | null; onCommit(token: string | null): void }) {
  const [text, setText] = useState(token ?? '')
  const [shown, setShown] = useState(token)
  if (shown !== token) {
    setShown(token)
    setText(token ?? '')
  }
  const valid = text === '' || /^[\x21-\x7e]{1,400}$/.test(text)
  const commit = () => {
    const next = text.trim() === '' ? null : text.trim()
    if (valid && next !== token) onCommit(next)
  }
  return (
    <div className="field">
      <label htmlFor="settings-hf-token">Token for gated and private models (empty: the HF_TOKEN environment variable, if set)</label>
      <input
        id="settings-hf-token"
        data-testid="settings-hf-token"
        type="password"
        autoComplete="off"
        placeholder="hf_…"
        value={text}
        aria-invalid={!valid}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
        spellCheck={false}
      />
      {!valid && <span className="field-error small">A token is printable characters without spaces.</span>}
      <span className="muted small">Sent only to the Hub (HF_ENDPOINT), with searches, file lists and downloads; saved in settings.json, readable by you alone.</span>
    </div>
  )
}

export function SettingsDialog() {
  const { open, setOpen, settings, warning, update, contextSize } = useArbor(useShallow(selectSettings))

  useEscapeToClose(open, useCallback(() => setOpen(false), [setOpen]))

  if (!open) return null
  const change = (c: Partial<AppSettings>) => void update(c)
  const sizes = contextSize ? compactionSettings(contextSize, settings) : null
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && setOpen(false)}>
      <section className="modal settings-dialog" role="dialog" aria-modal="true" aria-labelledby="settings-title" data-testid="settings">
        <div className="modal-head">
          <h2 id="settings-title">Settings</h2>
          <button type="button" className="btn btn-small btn-ghost" data-testid="close-settings" aria-label="Close" autoFocus onClick={() => setOpen(false)}>
            ✕
          </button>
        </div>
        {warning && (
          <div className="notice notice-error" role="alert" data-testid="settings-warning">
            <div className="notice-body">{warning}</div>
          </div>
        )}
        <fieldset className="settings-group">
          <legend>When a conversation no longer fits the context</legend>
          <p className="muted small">The default for every session; a session that chose its own (in its composition bar) keeps it.</p>
          {OVERFLOW_POLICIES.map((p) => (
            <label key={p} className="settings-choice">
              <input type="radio" name="overflow-default" value={p} data-testid={`default-policy-${p}`} checked={settings.overflowPolicy === p} onChange={() => change({ overflowPolicy: p })} />
              <span>
                <b>{POLICIES[p].label}</b> <span className="muted small">{POLICIES[p].what}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <fieldset className="settings-group">
          <legend>Compaction sizes</legend>
          <p className="muted small">
            Empty is automatic: a reserve of a quarter of the context (512–16,384 tokens) and 30% of it kept as it is (256–20,000), Pi's defaults scaled to
            local contexts. A size is never more than half the context.
          </p>
          <div className="settings-row">
            <TokensField id="settings-reserve" label="Reserve (tokens kept free)" value={settings.reserveTokens} onCommit={(v) => change({ reserveTokens: v })} />
            <TokensField id="settings-keep" label="Recent part kept (tokens)" value={settings.keepRecentTokens} onCommit={(v) => change({ keepRecentTokens: v })} />
          </div>
          <p className="small" data-testid="settings-effect">
            {sizes && contextSize
              ? `With the loaded model's ${fmt(contextSize)}-token context: compaction starts past ${fmt(contextSize - sizes.reserveTokens)} prompt tokens and keeps the last ${fmt(sizes.keepRecentTokens)}.`
              : 'Load a model to see what these sizes come to in its context.'}
          </p>
        </fieldset>
        <fieldset className="settings-group">
          <legend>Models</legend>
          <label className="settings-choice">
            <input type="checkbox" data-testid="settings-reload-last" checked={settings.reloadLastModel} onChange={(e) => change({ reloadLastModel: e.target.checked })} />
            <span>
              <b>Load the last model when Arbor starts</b>{' '}
              <span className="muted small">with the settings it was loaded with; a model that no longer fits is not loaded.</span>
            </span>
          </label>
        </fieldset>
        <fieldset className="settings-group">
          <legend>Hugging Face</legend>
          <HubTokenField token={settings.hfToken} onCommit={(hfToken) => change({ hfToken })} />
        </fieldset>
        <p className="muted small">Kept by Arbor in settings.json in its home folder (~/.arbor, or ARBOR_HOME), for the window, headless mode and the CLI.</p>
      </section>
    </div>
  )
}
