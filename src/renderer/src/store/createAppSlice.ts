import type { StateCreator } from 'zustand'
import type { ArborError } from '../../../shared/errors'
import type { AppSnapshot, Hardware, LoadState, ModelEntry } from '../../../shared/types'
import type { ArborClient, ConnectionState } from '../api/ArborClient'
import type { AppState } from './AppState'
import { applyEvent } from './applyEvent'

export type ShownError = ArborError & {
  /** What Arbor was doing, e.g. `Inspecting model.gguf`. */
  context?: string
}

/** The connection to the core, what it knows about the machine, and the error panel. */
export type AppSlice = {
  transport: ArborClient['transport']
  connection: ConnectionState
  /** True once the first `app.snapshot` has arrived. */
  ready: boolean
  version: string | null
  hardware: Hardware | null
  modelsFolder: string | null
  models: ModelEntry[]
  /** The last error, shown in the error panel until dismissed or replaced. */
  error: ShownError | null
  /** Subscribes to the client's events and connection; fetches a snapshot and the extensions on every (re)connect. */
  start(): () => void
  /**
   * Fetches the whole state again (on connect, or after a missed change). One at a time; after a failure, a
   * missed change waits a little before it asks again, so that a snapshot that cannot be read does not repeat.
   */
  refreshSnapshot(reason?: 'connect' | 'gap'): Promise<void>
  showError(error: ArborError, context?: string): void
  dismissError(): void
}

const loadedPath = (load: LoadState): string | null =>
  load.status === 'loaded' ? load.model.facts.path : load.status === 'loading' ? load.path : null

/** After a snapshot that failed, a missed change asks for another one only after this long. */
const SNAPSHOT_RETRY_MS = 2000

export const createAppSlice =
  (client: ArborClient): StateCreator<AppState, [], [], AppSlice> =>
  (set, get) => {
    let inFlight: Promise<void> | null = null
    let failedAt = -Infinity
    const snapshot = async () => {
      const result = await client.request('app.snapshot', undefined)
      if (!result.ok) {
        failedAt = Date.now()
        return get().showError(result.error, 'Reading the app state')
      }
      failedAt = -Infinity
      adopt(result.value)
    }
    const adopt = (snap: AppSnapshot) => {
      const { threads } = get()
      set({
        ready: true,
        version: snap.version,
        hardware: snap.hardware,
        modelsFolder: snap.modelsFolder,
        models: snap.models,
        loadState: snap.load,
        sessions: snap.sessions,
        sessionsFolder: snap.sessionsFolder,
        generating: snap.generating,
        threads: threads ?? snap.hardware.defaultThreads,
        ...(snap.load.status === 'loaded' ? {} : { memorySample: null }),
      })
      if (snap.load.status === 'loaded') get().useSamplingOf(snap.load.model.facts.fileName)
      get().adoptSession(snap.session)
      // Connected mid-answer (a reload, a reconnect): the answer so far, and the stream goes on into it.
      if (snap.streaming) {
        const { node, text, reasoning, prompt } = snap.streaming
        set({ generating: true, streaming: { nodeId: node.id, text, ...(reasoning ? { reasoning } : {}), ...(prompt ? { prompt } : {}), ...(text ? { tokens: 1, firstTokenAt: performance.now() } : {}) } })
        get().upsertNodes([node], node.id)
      }
      if (snap.extensionsWarning) get().showExtensionNotice('arbor', snap.extensionsWarning)
      get().adoptSettings(snap.settings, snap.settingsWarning)
      get().adoptServer(snap.server.status, snap.server.log)
      get().adoptRemote(snap.remote)
      const active = loadedPath(snap.load)
      const { selectedPath, facts } = get()
      if (snap.load.status === 'loaded' && (selectedPath === null || (selectedPath === active && !facts))) get().adoptLoadedModel(snap.load.model)
      else if (active && selectedPath === null) void get().selectModel(active)
    }
    return {
      transport: client.transport,
      connection: 'connecting',
      ready: false,
      version: null,
      hardware: null,
      modelsFolder: null,
      models: [],
      error: null,

      start() {
        const offEvent = client.onEvent((event) => applyEvent(event, set, get))
        const offConnection = client.onConnection((connection) => {
          set({ connection })
          if (connection !== 'open') return
          void get().refreshSnapshot()
          void get().refreshExtensions()
        })
        return () => {
          offEvent()
          offConnection()
        }
      },

      refreshSnapshot(reason = 'connect') {
        if (inFlight) return inFlight
        if (reason === 'gap' && Date.now() - failedAt < SNAPSHOT_RETRY_MS) return Promise.resolve()
        inFlight = snapshot().finally(() => {
          inFlight = null
        })
        return inFlight
      },

      showError(error, context) {
        set({ error: context ? { ...error, context } : { ...error } })
      },

      dismissError() {
        set({ error: null })
      },
    }
  }
