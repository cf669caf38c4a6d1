import { useCallback, useEffect, useState } from 'react'
import { useEscapeToClose } from '../hooks/useEscapeToClose'
import { useShallow } from 'zustand/react/shallow'
import { piMaxTokens, piProviderSnippet, type ApiRequestLog } from '../../../shared/apiServer'
import type { AppState } from '../store/AppState'
import { useArbor } from '../store/useArbor'
import { CopyButton } from './chat/Markdown'

const selectServer = (s: AppState) => ({
  open: s.serverOpen,
  setOpen: s.setServerOpen,
  server: s.server,
  log: s.serverLog,
  busy: s.serverBusy,
  start: s.startServer,
  stop: s.stopServer,
  settings: s.settings,
  updateSettings: s.updateSettings,
  loaded: s.loadState.status === 'loaded' ? s.loadState.model : null,
})

const fmt = (n: number) => n.toLocaleString('en-US')
const ms = (n: number | null) => (n === null ? '—' : n < 1000 ? `${Math.round(n)} ms` : `${(n / 1000).toFixed(1)} s`)

/** The latest requests, newest first: who, how it went, what it cost and what the KV cache saved. */
function RequestLog({ log }: { log: ApiRequestLog[] }) {
  if (log.length === 0) return <p className="muted small" data-testid="server-log-empty">No request yet. Point a client at the base URL above.</p>
  return (
    <div className="table-scroll server-log">
      <table data-testid="server-log">
        <thead>
          <tr>
            <th>Time</th>
            <th>Client</th>
            <th>Status</th>
            <th title="Tokens of the prompt">Prompt</th>
            <th title="Prompt tokens the KV cache held already: not evaluated again">Cached</th>
            <th>Generated</th>
            <th>First token</th>
            <th>Total</th>
          </tr>
        </thead>
        <tbody>
          {[...log]
            .reverse()
            .slice(0, 50)
            .map((e) => (
              <tr key={e.id} data-testid="server-log-row" className={e.status >= 400 ? 'server-log-failed' : undefined}>
                <td>{new Date(e.at).toLocaleTimeString()}</td>
                <td className="server-log-client">{e.client}</td>
                <td>{e.status}</td>
                <td>{fmt(e.promptTokens)}</td>
                <td>{fmt(e.cachedTokens)}</td>
                <td>{fmt(e.completionTokens)}</td>
                <td>{ms(e.timeToFirstTokenMs)}</td>
                <td>{ms(e.totalMs)}</td>
              </tr>
            ))}
        </tbody>
      </table>
    </div>
  )
}

const ORIGIN = /^https?:\/\/[^\s/]+$/

/** The web pages allowed to call the server (CORS), as origins separated by spaces or commas; saved when left. */
function OriginsField({ origins, onSave }: { origins: readonly string[]; onSave(origins: string[]): void }) {
  const [text, setText] = useState(origins.join(', '))
  const [shown, setShown] = useState(origins)
  if (shown !== origins) {
    setShown(origins)
    setText(origins.join(', '))
  }
  const list = text.split(/[\s,]+/).filter(Boolean)
  const bad = list.find((o) => !ORIGIN.test(o))
  const save = () => {
    if (!bad && list.join(',') !== origins.join(',')) onSave(list)
  }
  return (
    <div className="field">
      <label htmlFor="server-origins">Web pages allowed to call it (CORS origins; a page from any other is refused)</label>
      <input
        id="server-origins"
        data-testid="server-origins"
        type="text"
        placeholder="none, e.g. http://localhost:3000"
        value={text}
        aria-invalid={bad !== undefined}
        onChange={(e) => setText(e.target.value)}
        onBlur={save}
        onKeyDown={(e) => e.key === 'Enter' && save()}
        spellCheck={false}
      />
      {bad !== undefined && <span className="field-error small">{bad.slice(0, 80)} is not an origin: http(s)://host[:port], without a path.</span>}
    </div>
  )
}

/**
 * Arbor's OpenAI-compatible server: start and stop it, its port and key, the base URL to copy, Pi's `models.json`
 * entry for the loaded model, and the requests it answers as they come.
 */
export function ServerDialog() {
  const { open, setOpen, server, log, busy, start, stop, settings, updateSettings, loaded } = useArbor(useShallow(selectServer))
  const [port, setPort] = useState('')
  const [key, setKey] = useState('')
  useEscapeToClose(open, useCallback(() => setOpen(false), [setOpen]))
  // Opened: the fields show what is remembered.
  useEffect(() => {
    if (!open) return
    setPort(settings.apiPort === null ? '' : String(settings.apiPort))
    setKey(settings.apiKey ?? '')
  }, [open, settings.apiPort, settings.apiKey])

  if (!open) return null
  const portNumber = port.trim() === '' ? undefined : Number(port)
  const portValid = portNumber === undefined || (Number.isInteger(portNumber) && portNumber >= 1 && portNumber <= 65_535)
  const keyValid = key === '' || /^[\x21-\x7e]{1,200}$/.test(key)
  const modelId = loaded?.facts.fileName.replace(/\.gguf$/i, '') ?? null
  const snippet =
    server.baseUrl && loaded && modelId
      ? piProviderSnippet(server.baseUrl, modelId, loaded.settings.contextSize, piMaxTokens(loaded.settings.contextSize), server.keyRequired ? settings.apiKey : null)
      : null
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && setOpen(false)}>
      <section className="modal settings-dialog server-dialog" role="dialog" aria-modal="true" aria-labelledby="server-title" data-testid="server">
        <div className="modal-head">
          <h2 id="server-title">API server</h2>
          <span className={`badge ${server.running ? 'badge-ok' : ''}`} data-testid="server-state">
            {server.running ? 'Running' : 'Stopped'}
          </span>
          <button type="button" className="btn btn-small btn-ghost" data-testid="close-server" aria-label="Close" autoFocus onClick={() => setOpen(false)}>
            ✕
          </button>
        </div>
        <p className="muted small">
          An OpenAI-compatible API for Pi, editors and scripts, over the loaded model: /v1/models, /v1/chat/completions (streaming, tools, JSON schema) and /v1/completions. Your own
          turns in this window go first; requests that share a history reuse its KV cache.
        </p>
        {server.error && (
          <div className="notice notice-error" role="alert" data-testid="server-error">
            <div className="notice-body">{server.error}</div>
          </div>
        )}
        {server.running && server.baseUrl ? (
          <div className="server-url">
            <span>Base URL</span> <code data-testid="server-url">{server.baseUrl}</code>
            <CopyButton text={() => server.baseUrl ?? ''} label="Copy the base URL" testId="copy-server-url" />
            <span className="muted small">{server.keyRequired ? 'Clients send the key as Authorization: Bearer <key>.' : 'No key: only programs on this machine can connect.'}</span>
          </div>
        ) : null}
        <fieldset className="settings-group">
          <legend>Address</legend>
          <div className="settings-row">
            <div className="field">
              <label htmlFor="server-port">Port</label>
              <input id="server-port" data-testid="server-port" type="text" inputMode="numeric" placeholder="1234 (or the next free)" value={port} aria-invalid={!portValid} onChange={(e) => setPort(e.target.value)} />
            </div>
            <div className="field">
              <label htmlFor="server-key">API key (optional)</label>
              <input id="server-key" data-testid="server-key" type="text" placeholder="none" value={key} aria-invalid={!keyValid} onChange={(e) => setKey(e.target.value)} autoComplete="off" spellCheck={false} />
            </div>
          </div>
          <OriginsField origins={settings.apiCorsOrigins} onSave={(apiCorsOrigins) => void updateSettings({ apiCorsOrigins })} />
          <div className="server-actions">
            {server.running ? (
              <button type="button" className="btn" data-testid="server-stop" disabled={busy} onClick={() => void stop()}>
                Stop
              </button>
            ) : null}
            <button
              type="button"
              className="btn btn-primary"
              data-testid="server-start"
              disabled={busy || !portValid || !keyValid}
              onClick={() => void start({ ...(portNumber !== undefined ? { port: portNumber } : {}), apiKey: key === '' ? null : key })}
            >
              {server.running ? 'Restart with these' : 'Start'}
            </button>
            <label className="settings-choice small">
              <input type="checkbox" data-testid="server-record" checked={settings.apiRecord} onChange={(e) => void updateSettings({ apiRecord: e.target.checked })} />
              Record each client&apos;s requests as a session tree (api-&lt;user&gt;.jsonl in the sessions folder)
            </label>
          </div>
        </fieldset>
        <fieldset className="settings-group">
          <legend>Pi</legend>
          {snippet ? (
            <>
              <p className="muted small">
                Add this provider to ~/.pi/agent/models.json, then run <code>pi --provider arbor --model {modelId}</code>.
              </p>
              <div className="code-block">
                <div className="code-block-head">
                  <span className="code-block-language">models.json</span>
                  <CopyButton text={() => snippet} label="Copy Pi's provider entry" testId="copy-pi-snippet" />
                </div>
                <pre data-testid="pi-snippet">{snippet}</pre>
              </div>
            </>
          ) : (
            <p className="muted small" data-testid="pi-snippet-missing">
              {server.running ? 'Load a model: the entry takes its name and context.' : 'Start the server to get the entry for Pi.'}
            </p>
          )}
        </fieldset>
        <fieldset className="settings-group">
          <legend>Requests</legend>
          <RequestLog log={log} />
        </fieldset>
      </section>
    </div>
  )
}
