import { useCallback, useState, type FormEvent } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { DownloadView, HubFileView } from '../../../shared/contract/hubSchemas'
import { formatBytes, formatCount } from '../../../shared/format'
import { useEscapeToClose } from '../hooks/useEscapeToClose'
import type { AppState } from '../store/AppState'
import type { RemoteFit } from '../store/createHubSlice'
import { useArbor } from '../store/useArbor'
import { ProgressBar } from './ProgressBar'
import { VerdictBadge } from './VerdictBadge'

const selectHub = (s: AppState) => ({
  open: s.hubOpen,
  setOpen: s.setHubOpen,
  query: s.hubQuery,
  results: s.hubResults,
  busy: s.hubBusy,
  error: s.hubError,
  repo: s.hubRepo,
  files: s.hubFiles,
  fits: s.hubFits,
  downloads: s.downloads,
  search: s.searchHub,
  openRepo: s.openRepo,
  startDownload: s.startDownload,
  stopDownload: s.stopDownload,
})

/** The file to take: the largest (least quantized) one that fits this machine, once every header is read. */
function bestFit(files: HubFileView[], fits: Record<string, RemoteFit>): string | null {
  let best: HubFileView | null = null
  for (const f of files) {
    const fit = fits[f.url]
    if (fit?.status === 'done' && fit.report.fit.verdict !== 'none' && (!best || f.totalBytes > best.totalBytes)) best = f
  }
  return best?.url ?? null
}

function FitCell({ fit }: { fit: RemoteFit | undefined }) {
  if (!fit || fit.status === 'pending') return <span className="muted small">reading header…</span>
  if (fit.status === 'failed') return <span className="field-error small" title={fit.error.message}>{fit.error.code}</span>
  const r = fit.report
  return (
    <span className="hub-fit">
      <VerdictBadge verdict={r.fit.verdict} testId="hub-verdict" />
      <span className="muted small">
        {formatBytes(r.estimate.ramBytes + r.estimate.vramBytes)} at {formatCount(r.settings.contextSize)} tokens
        {r.recommended ? ` · up to ${formatCount(r.recommended.contextSize)}` : ''}
      </span>
    </span>
  )
}

function DownloadRow({ d, stop, resume }: { d: DownloadView; stop(pause: boolean): void; resume(): void }) {
  const eta = d.state === 'running' && d.etaSeconds > 0 && Number.isFinite(d.etaSeconds) ? ` · ${Math.ceil(d.etaSeconds)} s left` : ''
  const speed = d.state === 'running' && d.bytesPerSecond > 0 ? ` · ${formatBytes(d.bytesPerSecond)}/s` : ''
  return (
    <li className="hub-download" data-testid="hub-download" data-state={d.state}>
      <ProgressBar
        value={d.totalBytes > 0 ? d.downloadedBytes / d.totalBytes : d.state === 'done' ? 1 : 0}
        label={`${d.fileName}: ${formatBytes(d.downloadedBytes)} of ${d.totalBytes > 0 ? formatBytes(d.totalBytes) : '?'}${speed}${eta}`}
        testId="hub-download-progress"
      />
      <div className="button-row">
        <span className="muted small" data-testid="hub-download-state">
          {d.state === 'done' ? 'Downloaded and checked' : d.state === 'failed' ? `${d.error?.code}: ${d.error?.message}` : d.state}
        </span>
        {d.state === 'running' && (
          <>
            <button type="button" className="btn btn-small" onClick={() => stop(true)}>
              Pause
            </button>
            <button type="button" className="btn btn-small" data-testid="hub-download-cancel" onClick={() => stop(false)}>
              Cancel
            </button>
          </>
        )}
        {(d.state === 'paused' || d.state === 'failed') && (
          <button type="button" className="btn btn-small" onClick={resume}>
            Resume
          </button>
        )}
      </div>
    </li>
  )
}

/**
 * Getting a model: search the Hugging Face Hub, open a repository, see which of its files fits this machine (each
 * judged from its header, read remotely) before downloading, and download it into the models folder.
 */
export function HubDialog() {
  const { open, setOpen, query, results, busy, error, repo, files, fits, downloads, search, openRepo, startDownload, stopDownload } = useArbor(useShallow(selectHub))
  const [text, setText] = useState(query)
  useEscapeToClose(open, useCallback(() => setOpen(false), [setOpen]))
  if (!open) return null
  const submit = (e: FormEvent) => {
    e.preventDefault()
    void search(text.trim())
  }
  const best = files ? bestFit(files, fits) : null
  const list = Object.values(downloads)
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && setOpen(false)}>
      <section className="modal settings-dialog hub-dialog" role="dialog" aria-modal="true" aria-labelledby="hub-title" data-testid="hub">
        <div className="modal-head">
          <h2 id="hub-title">Get models</h2>
          <button type="button" className="btn btn-small btn-ghost" data-testid="close-hub" aria-label="Close" onClick={() => setOpen(false)}>
            ✕
          </button>
        </div>
        <form className="hub-search" onSubmit={submit}>
          <input
            type="search"
            data-testid="hub-query"
            aria-label="Search Hugging Face for GGUF models"
            placeholder="Search Hugging Face, e.g. qwen3 coder"
            value={text}
            onChange={(e) => setText(e.target.value)}
            autoFocus
            spellCheck={false}
          />
          <button type="submit" className="btn btn-primary" data-testid="hub-search" disabled={busy}>
            Search
          </button>
        </form>
        {error && (
          <p className="field-error small" role="alert" data-testid="hub-error">
            {error}
          </p>
        )}
        {repo === null && results && (
          <ul className="hub-results" data-testid="hub-results">
            {results.length === 0 && <li className="muted small">No GGUF repository matches “{query}”.</li>}
            {results.map((r) => (
              <li key={r.id}>
                <button type="button" className="hub-repo" data-testid="hub-repo" onClick={() => void openRepo(r.id)}>
                  <span className="hub-repo-name">{r.id}</span>
                  <span className="muted small">
                    {formatCount(r.downloads)} downloads · {formatCount(r.likes)} likes{r.lastModified ? ` · updated ${r.lastModified.slice(0, 10)}` : ''}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )}
        {repo !== null && (
          <div className="hub-files">
            <div className="button-row">
              <button type="button" className="btn btn-small btn-ghost" data-testid="hub-back" onClick={() => void openRepo(null)}>
                ← Results
              </button>
              <strong data-testid="hub-repo-title">{repo}</strong>
            </div>
            {files === null && busy && <p className="muted small">Reading the file list…</p>}
            {files && files.length === 0 && <p className="muted small">This repository has no GGUF file.</p>}
            {files && files.length > 0 && (
              <div className="table-scroll">
                <table data-testid="hub-file-table">
                  <thead>
                    <tr>
                      <th>Quantization</th>
                      <th>File</th>
                      <th>Size</th>
                      <th>On this machine</th>
                      <th />
                    </tr>
                  </thead>
                  <tbody>
                    {files.map((f) => (
                      <tr key={f.url} data-testid="hub-file" data-best={f.url === best || undefined}>
                        <td>
                          {f.quantization ?? '—'}
                          {f.url === best && (
                            <span className="badge badge-ok" data-testid="hub-best">
                              best fit
                            </span>
                          )}
                        </td>
                        <td className="hub-file-name" title={f.path}>
                          {f.path.split('/').pop()}
                          {f.parts.length > 1 ? ` (${f.parts.length} parts)` : ''}
                        </td>
                        <td>{formatBytes(f.totalBytes)}</td>
                        <td>
                          <FitCell fit={fits[f.url]} />
                        </td>
                        <td>
                          <button type="button" className="btn btn-small" data-testid="hub-file-download" onClick={() => void startDownload(`hf:${repo}/${f.path}`)}>
                            Download
                          </button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </div>
        )}
        {list.length > 0 && (
          <ul className="hub-downloads" aria-label="Downloads">
            {list.map((d) => (
              <DownloadRow key={d.id} d={d} stop={(pause) => void stopDownload(d.id, pause)} resume={() => void startDownload(d.ref)} />
            ))}
          </ul>
        )}
        <p className="muted small">
          Files are judged from their headers (a few MB read from the Hub, never the weights). Gated and private models need a Hugging Face token: in Settings, or the HF_TOKEN
          environment variable of the process running Arbor.
        </p>
      </section>
    </div>
  )
}
