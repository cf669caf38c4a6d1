import type { StateCreator } from 'zustand'
import type { ArborError } from '../../../shared/errors'
import type { LoadState, MemorySample } from '../../../shared/types'
import type { ArborClient } from '../api/ArborClient'
import type { AppState } from './AppState'

export type LoadSlice = {
  loadState: LoadState
  /** A `model.load` request is in flight (from this window). */
  loadPending: boolean
  /** The MODEL_TOO_LARGE answer of the last load, offering "Load anyway". */
  tooLarge: ArborError<'MODEL_TOO_LARGE'> | null
  /** A short note about the last load, e.g. that it was cancelled. */
  loadNote: string | null
  memorySample: MemorySample | null
  loadModel(override?: boolean): Promise<void>
  cancelLoad(): Promise<void>
  unloadModel(): Promise<void>
  dismissTooLarge(): void
}

export const createLoadSlice =
  (client: ArborClient): StateCreator<AppState, [], [], LoadSlice> =>
  (set, get) => ({
    loadState: { status: 'idle' },
    loadPending: false,
    tooLarge: null,
    loadNote: null,
    memorySample: null,

    async loadModel(override = false) {
      const { selectedPath, fitSettings, threads, hardware } = get()
      if (!selectedPath || !fitSettings) return
      set({ loadPending: true, tooLarge: null, loadNote: null })
      const result = await client.request('model.load', {
        path: selectedPath,
        settings: { ...fitSettings, threads: threads ?? hardware?.defaultThreads ?? 1 },
        ...(override ? { override: true } : {}),
      })
      set({ loadPending: false })
      if (result.ok) {
        set({ loadState: { status: 'loaded', model: result.value } })
        return
      }
      const { error } = result
      if (error.code === 'MODEL_TOO_LARGE') set({ tooLarge: error })
      else if (error.code === 'LOAD_CANCELLED') set({ loadNote: 'Load cancelled.' })
      else get().showError(error, 'Loading the model')
    },

    async cancelLoad() {
      const result = await client.request('model.cancelLoad', undefined)
      if (!result.ok) get().showError(result.error, 'Cancelling the load')
    },

    async unloadModel() {
      const result = await client.request('model.unload', undefined)
      if (!result.ok) return get().showError(result.error, 'Unloading the model')
      set({ memorySample: null, ...(get().loadState.status === 'loaded' ? { loadState: { status: 'idle' } } : {}) })
    },

    dismissTooLarge() {
      set({ tooLarge: null })
    },
  })
