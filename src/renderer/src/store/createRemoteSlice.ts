import type { StateCreator } from 'zustand'
import type { ArborError } from '../../../shared/errors'
import type { RemoteEngineView } from '../../../shared/types'
import type { ArborClient } from '../api/ArborClient'
import type { AppState } from './AppState'

export type ConnectRequest = { baseUrl: string; apiKey?: string | null; model?: string }

/** A model served elsewhere as the engine ("Connect to a server…"): the server, the dialog, the attempt. */
export type RemoteSlice = {
  /** The server in use, else the one used last; null when none was ever used. Never its key. */
  remote: RemoteEngineView | null
  connectOpen: boolean
  /** A `model.connect` on its way. */
  connecting: boolean
  /** Why the last attempt failed (unreachable, wrong key, no such model), with the request to try again. */
  connectError: { error: ArborError; request: ConnectRequest } | null
  setConnectOpen(open: boolean): void
  /** Connects; true when the server's model is the engine's now. */
  connect(request: ConnectRequest): Promise<boolean>
  adoptRemote(remote: RemoteEngineView | null): void
}

export const createRemoteSlice =
  (client: ArborClient): StateCreator<AppState, [], [], RemoteSlice> =>
  (set) => ({
    remote: null,
    connectOpen: false,
    connecting: false,
    connectError: null,
    setConnectOpen(connectOpen) {
      set({ connectOpen, ...(connectOpen ? {} : { connectError: null }) })
    },
    async connect(request) {
      set({ connecting: true, connectError: null })
      const result = await client.request('model.connect', request)
      set({ connecting: false })
      if (!result.ok) {
        set({ connectError: { error: result.error, request } })
        return false
      }
      set({ remote: result.value.remote, loadState: { status: 'loaded', model: result.value.model }, connectOpen: false })
      return true
    },
    adoptRemote(remote) {
      set({ remote })
    },
  })
