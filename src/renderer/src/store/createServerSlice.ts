import type { StateCreator } from 'zustand'
import type { ApiRequestLog, ApiServerStatus } from '../../../shared/apiServer'
import type { ArborClient } from '../api/ArborClient'
import type { AppState } from './AppState'

export type ServerStatus = ApiServerStatus & { error: string | null }

/** The OpenAI-compatible server as the window shows it: status, the requests it answered, start and stop. */
export type ServerSlice = {
  server: ServerStatus
  serverLog: ApiRequestLog[]
  serverOpen: boolean
  /** A start or stop on its way. */
  serverBusy: boolean
  setServerOpen(open: boolean): void
  startServer(options: { port?: number; apiKey?: string | null }): Promise<boolean>
  stopServer(): Promise<void>
  adoptServer(status: ServerStatus, log?: ApiRequestLog[]): void
  noteServerRequest(entry: ApiRequestLog): void
}

const LOG_SIZE = 100

export const createServerSlice =
  (client: ArborClient): StateCreator<AppState, [], [], ServerSlice> =>
  (set, get) => ({
    server: { running: false, host: '127.0.0.1', port: 1234, baseUrl: null, keyRequired: false, error: null },
    serverLog: [],
    serverOpen: false,
    serverBusy: false,
    setServerOpen(serverOpen) {
      set({ serverOpen })
    },
    async startServer(options) {
      set({ serverBusy: true })
      const result = await client.request('server.start', options)
      set({ serverBusy: false })
      // A refusal (a port taken) is in the status the core sends; the dialog shows it there.
      if (result.ok) set({ server: result.value })
      else set({ server: { ...get().server, error: result.error.message } })
      return result.ok
    },
    async stopServer() {
      set({ serverBusy: true })
      const result = await client.request('server.stop', undefined)
      set({ serverBusy: false })
      if (result.ok) set({ server: result.value })
      else get().showError(result.error, 'Stopping the server')
    },
    adoptServer(server, log) {
      set({ server, ...(log ? { serverLog: log } : {}) })
    },
    noteServerRequest(entry) {
      set({ serverLog: [...get().serverLog, entry].slice(-LOG_SIZE) })
    },
  })
