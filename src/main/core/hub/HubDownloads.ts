import { randomUUID } from 'node:crypto'
import type { DownloadView } from '../../../shared/contract/hubSchemas'
import { ArborFailure } from '../../../shared/errors'
import type { HubService } from './HubService'

/** Progress events per download, at most this often. */
const PROGRESS_EVERY_MS = 250

/**
 * The downloads a window started: several at once, each with its progress told as it goes, paused (its partial
 * file kept, so that starting it again resumes) or cancelled (the partial file removed). A finished one is a model
 * in the models folder like any dropped file.
 */
export class HubDownloads {
  private readonly views = new Map<string, DownloadView>()
  private readonly running = new Map<string, { controller: AbortController; pause: boolean }>()

  constructor(
    private readonly hub: HubService,
    private readonly told: (download: DownloadView) => void,
    private readonly finished: (download: DownloadView) => void,
    /** Told the unfinished downloads after every change of state (not of progress), to offer them again after a restart. */
    private readonly unfinished: (downloads: DownloadView[]) => void = () => undefined,
  ) {}

  list(): DownloadView[] {
    return [...this.views.values()]
  }

  /** Downloads an earlier run of Arbor did not finish: shown paused; starting one resumes its partial file. */
  restore(downloads: readonly Pick<DownloadView, 'id' | 'ref' | 'fileName' | 'totalBytes' | 'downloadedBytes'>[]): void {
    for (const d of downloads) {
      if (this.views.has(d.id) || [...this.views.values()].some((v) => v.ref === d.ref)) continue
      this.views.set(d.id, { ...d, bytesPerSecond: 0, etaSeconds: 0, state: 'paused', path: null, error: null })
    }
  }

  /** Starts a download of `ref`, or answers the one of it that runs already; a paused or failed one resumes. */
  start(ref: string): DownloadView {
    const same = [...this.views.values()].find((d) => d.ref === ref && d.state === 'running')
    if (same) return same
    const earlier = [...this.views.values()].find((d) => d.ref === ref)
    const view: DownloadView = {
      id: earlier?.id ?? randomUUID(),
      ref,
      fileName: earlier?.fileName ?? ref.split(/[/:]/).pop()!,
      totalBytes: earlier?.totalBytes ?? 0,
      downloadedBytes: earlier?.downloadedBytes ?? 0,
      bytesPerSecond: 0,
      etaSeconds: 0,
      state: 'running',
      path: null,
      error: null,
    }
    this.views.set(view.id, view)
    this.tellUnfinished()
    const controller = new AbortController()
    const control = { controller, pause: false }
    this.running.set(view.id, control)
    void this.run(view, control)
    return view
  }

  /** Pauses (partial file kept) or cancels (removed) a running download; a stopped one is answered as it is. */
  async stop(id: string, pause = false): Promise<DownloadView> {
    const view = this.views.get(id)
    if (!view) throw new ArborFailure('BAD_REQUEST', 'There is no such download.', { field: 'id' })
    const control = this.running.get(id)
    if (control) {
      control.pause = pause
      control.controller.abort()
      await this.settled(id)
    } else if (!pause && view.state !== 'done') {
      this.update(view, { state: 'cancelled' })
      await this.hub.resolve(view.ref).then((d) => this.hub.removePartials(d)).catch(() => undefined)
    }
    return this.views.get(id)!
  }

  /** Stops every running download, keeping their partial files (Arbor quits; the next start resumes them). */
  async dispose(): Promise<void> {
    for (const [id, control] of this.running) {
      control.pause = true
      control.controller.abort()
      await this.settled(id)
    }
  }

  private readonly settledWaiters = new Map<string, (() => void)[]>()

  private settled(id: string): Promise<void> {
    if (!this.running.has(id)) return Promise.resolve()
    return new Promise((resolve) => this.settledWaiters.set(id, [...(this.settledWaiters.get(id) ?? []), resolve]))
  }

  /** The downloads that may resume (not done, not cancelled), for the next start. */
  private tellUnfinished(): void {
    this.unfinished(this.list().filter((d) => d.state !== 'done' && d.state !== 'cancelled'))
  }

  private update(view: DownloadView, change: Partial<DownloadView>): void {
    Object.assign(view, change)
    this.told({ ...view })
    if (change.state) this.tellUnfinished()
  }

  private async run(view: DownloadView, control: { controller: AbortController; pause: boolean }): Promise<void> {
    let lastTold = 0
    try {
      const pulled = await this.hub.pull(view.ref, {
        signal: control.controller.signal,
        onProgress: (p) => {
          Object.assign(view, { totalBytes: p.totalBytes, downloadedBytes: p.downloadedBytes, bytesPerSecond: p.bytesPerSecond, etaSeconds: p.etaSeconds })
          if (Date.now() - lastTold < PROGRESS_EVERY_MS) return
          lastTold = Date.now()
          this.told({ ...view })
        },
      })
      this.update(view, { state: 'done', path: pulled.path, fileName: pulled.download.fileName, totalBytes: pulled.download.totalBytes || view.totalBytes, downloadedBytes: pulled.download.totalBytes || view.downloadedBytes, etaSeconds: 0 })
      this.finished({ ...view })
    } catch (error) {
      if (control.controller.signal.aborted) {
        if (!control.pause) await this.hub.resolve(view.ref).then((d) => this.hub.removePartials(d)).catch(() => undefined)
        this.update(view, { state: control.pause ? 'paused' : 'cancelled', bytesPerSecond: 0, etaSeconds: 0 })
      } else {
        this.update(view, { state: 'failed', bytesPerSecond: 0, error: ArborFailure.wrap(error, 'DOWNLOAD_FAILED').toError() })
      }
    } finally {
      this.running.delete(view.id)
      for (const resolve of this.settledWaiters.get(view.id) ?? []) resolve()
      this.settledWaiters.delete(view.id)
    }
  }
}
