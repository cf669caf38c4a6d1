import type { StateCreator } from 'zustand'
import type { DownloadView, HubFileView } from '../../../shared/contract/hubSchemas'
import type { ArborError } from '../../../shared/errors'
import type { HubRepo } from '../../../shared/hub/hubFiles'
import type { FitReport } from '../../../shared/types'
import type { ArborClient } from '../api/ArborClient'
import type { AppState } from './AppState'

/** A file's fit, judged from its remote header: on its way, judged, or why it could not be. */
export type RemoteFit = { status: 'pending' } | { status: 'done'; report: FitReport } | { status: 'failed'; error: ArborError }

/** The "Get models" screen: search the Hub, a repository's files with their fit, and the downloads. */
export type HubSlice = {
  hubOpen: boolean
  hubQuery: string
  hubResults: HubRepo[] | null
  hubBusy: boolean
  hubError: string | null
  hubRepo: string | null
  hubFiles: HubFileView[] | null
  /** Per file URL. */
  hubFits: Record<string, RemoteFit>
  downloads: Record<string, DownloadView>
  setHubOpen(open: boolean): void
  searchHub(query: string): Promise<void>
  openRepo(repo: string | null): Promise<void>
  startDownload(ref: string): Promise<void>
  stopDownload(id: string, pause: boolean): Promise<void>
  adoptDownload(download: DownloadView): void
  loadDownloads(): Promise<void>
}

export const createHubSlice =
  (client: ArborClient): StateCreator<AppState, [], [], HubSlice> =>
  (set, get) => ({
    hubOpen: false,
    hubQuery: '',
    hubResults: null,
    hubBusy: false,
    hubError: null,
    hubRepo: null,
    hubFiles: null,
    hubFits: {},
    downloads: {},
    setHubOpen(hubOpen) {
      set({ hubOpen })
      if (hubOpen) void get().loadDownloads()
    },
    async searchHub(query) {
      set({ hubQuery: query, hubBusy: true, hubError: null, hubRepo: null, hubFiles: null })
      const result = await client.request('hub.search', { query })
      // A newer search answered first: this one is stale.
      if (get().hubQuery !== query) return
      set(result.ok ? { hubResults: result.value, hubBusy: false } : { hubResults: null, hubBusy: false, hubError: result.error.message })
    },
    async openRepo(repo) {
      set({ hubRepo: repo, hubFiles: null, hubError: null })
      if (repo === null) return
      set({ hubBusy: true })
      const result = await client.request('hub.files', { repo })
      if (get().hubRepo !== repo) return
      if (!result.ok) return set({ hubBusy: false, hubError: result.error.message })
      set({ hubBusy: false, hubFiles: result.value, hubFits: Object.fromEntries(result.value.map((f) => [f.url, { status: 'pending' } as RemoteFit])) })
      // One header at a time, smallest file first: the first verdicts come while the others are read.
      for (const file of result.value) {
        if (get().hubRepo !== repo) return
        const sequences = get().fitSettings?.sequences
        const report = await client.request('model.estimate', { path: file.url, ...(sequences ? { settings: { sequences } } : {}) })
        set({ hubFits: { ...get().hubFits, [file.url]: report.ok ? { status: 'done', report: report.value } : { status: 'failed', error: report.error } } })
      }
    },
    async startDownload(ref) {
      const result = await client.request('hub.download', { ref })
      if (result.ok) get().adoptDownload(result.value)
      else set({ hubError: result.error.message })
    },
    async stopDownload(id, pause) {
      const result = await client.request('hub.stopDownload', { id, pause })
      if (result.ok) get().adoptDownload(result.value)
    },
    adoptDownload(download) {
      const before = get().downloads[download.id]
      set({ downloads: { ...get().downloads, [download.id]: download } })
      // Finished while this window watched it: it becomes the selected model, ready to load.
      if (download.state === 'done' && before && before.state !== 'done' && download.path) void get().selectModel(download.path, download.fileName)
    },
    async loadDownloads() {
      const result = await client.request('hub.downloads', undefined)
      if (result.ok) set({ downloads: Object.fromEntries(result.value.map((d) => [d.id, d])) })
    },
  })
