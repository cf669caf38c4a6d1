import { useCallback, useEffect, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { isServedModel } from '../../../shared/types'
import { useEscapeToClose } from '../hooks/useEscapeToClose'
import type { AppState } from '../store/AppState'
import { useArbor } from '../store/useArbor'

const selectConnect = (s: AppState) => ({
  open: s.connectOpen,
  setOpen: s.setConnectOpen,
  remote: s.remote,
  connecting: s.connecting,
  failure: s.connectError,
  connect: s.connect,
  settings: s.settings,
  updateSettings: s.updateSettings,
  localLoaded: s.loadState.status === 'loaded' && !isServedModel(s.loadState.model) ? s.loadState.model.facts.fileName : null,
})

const BASE_URL = /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/
const KEY = /^[\x21-\x7e]{1,400}$/

/** Where each kind of server listens by default, as a hint of what to type. */
const EXAMPLES = [
  ['llama-server', 'http://gpu-box:8080'],
  ['vLLM', 'http://gpu-box:8000'],
  ['Ollama', 'http://gpu-box:11434'],
  ['LM Studio, another Arbor', 'http://gpu-box:1234'],
] as const

/** A number of seconds, saved when left; out of its bounds it is not saved and says so. */
function SecondsField({ id, label, value, min, max, onSave }: { id: string; label: string; value: number; min: number; max: number; onSave(seconds: number): void }) {
  const [text, setText] = useState(String(value))
  const n = Number(text)
  const valid = Number.isInteger(n) && n >= min && n <= max
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} data-testid={id} type="text" inputMode="numeric" value={text} aria-invalid={!valid} onChange={(e) => setText(e.target.value)} onBlur={() => valid && n !== value && onSave(n)} />
      {!valid && <span className="field-error small">{`A whole number of seconds, ${min} to ${max}.`}</span>}
    </div>
  )
}

/**
 * "Connect to a server…": a model served elsewhere (llama-server, vLLM, Ollama, LM Studio, another Arbor) becomes
 * the engine. The model loaded here is unloaded only once the server has answered; a failure says why (no server,
 * wrong key, no such model) and offers to try again. The key is sent to that server only and kept sealed.
 */
export function ConnectDialog() {
  const { open, setOpen, remote, connecting, failure, connect, settings, updateSettings, localLoaded } = useArbor(useShallow(selectConnect))
  const [baseUrl, setBaseUrl] = useState('')
  const [key, setKey] = useState('')
  const [model, setModel] = useState('')
  const [forgetKey, setForgetKey] = useState(false)
  useEscapeToClose(open, useCallback(() => setOpen(false), [setOpen]))
  useEffect(() => {
    if (!open) return
    setBaseUrl(remote?.baseUrl ?? '')
    setModel(remote?.model ?? '')
    setKey('')
    setForgetKey(false)
  }, [open, remote?.baseUrl, remote?.model])

  if (!open) return null
  const url = baseUrl.trim()
  const urlValid = BASE_URL.test(url)
  const keyValid = key === '' || KEY.test(key)
  const sameServer = remote !== null && remote.baseUrl === url.replace(/\/+$/, '').replace(/\/v1$/, '')
  const savedKey = sameServer && remote.keySaved
  const submit = () => {
    if (!urlValid || !keyValid || connecting) return
    // An empty key sends the one saved for this server (if any); "forget" sends none and drops it.
    const apiKey = key !== '' ? key : forgetKey ? null : undefined
    void connect({ baseUrl: url, ...(apiKey !== undefined ? { apiKey } : {}), ...(model.trim() ? { model: model.trim() } : {}) })
  }
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && setOpen(false)}>
      <section className="modal settings-dialog connect-dialog" role="dialog" aria-modal="true" aria-labelledby="connect-title" data-testid="connect">
        <div className="modal-head">
          <h2 id="connect-title">Connect to a server</h2>
          <button type="button" className="btn btn-small btn-ghost" data-testid="close-connect" aria-label="Close" onClick={() => setOpen(false)}>
            ✕
          </button>
        </div>
        <p className="muted small">
          Use a model running on another machine as the engine: any OpenAI-compatible server. The tree, token counts and extensions work as with a local model; memory and
          speed are the server&apos;s.{localLoaded ? ` ${localLoaded} is unloaded once the server answers.` : ''}
        </p>
        <form
          onSubmit={(e) => {
            e.preventDefault()
            submit()
          }}
        >
          <div className="field">
            <label htmlFor="connect-url">Server address</label>
            <input id="connect-url" data-testid="connect-url" type="text" placeholder="http://gpu-box:8080" value={baseUrl} aria-invalid={url !== '' && !urlValid} onChange={(e) => setBaseUrl(e.target.value)} spellCheck={false} autoFocus />
            {url !== '' && !urlValid && <span className="field-error small">An address such as http://gpu-box:8080 (http or https, a host, perhaps a port).</span>}
            <span className="muted small connect-examples">
              {EXAMPLES.map(([name, example]) => (
                <span key={name}>
                  {name} <code>{example}</code>
                </span>
              ))}
            </span>
          </div>
          <div className="settings-row">
            <div className="field">
              <label htmlFor="connect-key">API key</label>
              <input id="connect-key" data-testid="connect-key" type="password" placeholder={savedKey ? 'the saved key' : 'none'} value={key} aria-invalid={!keyValid} onChange={(e) => setKey(e.target.value)} autoComplete="off" spellCheck={false} />
              {savedKey && key === '' && (
                <label className="settings-choice small">
                  <input type="checkbox" data-testid="connect-forget-key" checked={forgetKey} onChange={(e) => setForgetKey(e.target.checked)} />
                  Send no key, and forget the saved one
                </label>
              )}
            </div>
            <div className="field">
              <label htmlFor="connect-model">Model (optional)</label>
              <input id="connect-model" data-testid="connect-model" type="text" placeholder="the first it serves" value={model} onChange={(e) => setModel(e.target.value)} spellCheck={false} />
            </div>
          </div>
          {failure && (
            <div className="notice notice-error" role="alert" data-testid="connect-error" data-code={failure.error.code}>
              <div className="notice-body">{failure.error.message}</div>
              <button type="button" className="btn btn-small" data-testid="connect-retry" disabled={connecting} onClick={() => void connect(failure.request)}>
                Try again
              </button>
            </div>
          )}
          <div className="server-actions">
            <button type="submit" className="btn btn-primary" data-testid="connect-submit" disabled={connecting || !urlValid || !keyValid}>
              {connecting ? 'Connecting…' : 'Connect'}
            </button>
            <span className="muted small">The key goes to this server only; Arbor keeps it sealed, never in a session or a log.</span>
          </div>
        </form>
        <fieldset className="settings-group">
          <legend>Waiting</legend>
          <div className="settings-row">
            <SecondsField id="connect-timeout" label="Connecting (seconds)" value={settings.engineConnectTimeoutSeconds} min={1} max={600} onSave={(s) => void updateSettings({ engineConnectTimeoutSeconds: s })} />
            <SecondsField
              id="connect-idle-timeout"
              label="First token and between tokens (seconds)"
              value={settings.engineIdleTimeoutSeconds}
              min={5}
              max={3600}
              onSave={(s) => void updateSettings({ engineIdleTimeoutSeconds: s })}
            />
          </div>
          <p className="muted small">A long prompt on a slow server may take minutes before its first token. Changes apply at the next connection.</p>
        </fieldset>
      </section>
    </div>
  )
}
