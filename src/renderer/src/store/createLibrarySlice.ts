import type { StateCreator } from 'zustand'
import type { ModelDescription, ModelEntry } from '../../../shared/types'
import type { ArborClient } from '../api/ArborClient'
import type { AppState } from './AppState'

/** One file's line in the library: its description, or why there is none (a file that is no model). */
export type LibraryFacts = { ok: true; description: ModelDescription } | { ok: false; code: string; message: string }

export type LibrarySlice = {
  /** Descriptions by path, for the files as they were when described (`describedAs`). */
  library: Record<string, LibraryFacts>
  /** Describes, one at a time, every listed file not yet described as it is now. */
  describeModels(models: readonly ModelEntry[]): Promise<void>
  /** Renames a model file; true when it did. */
  renameModel(path: string, name: string): Promise<boolean>
  /** Shows the file in the file manager (desktop); elsewhere, the path to find it by. */
  revealModel(path: string): Promise<{ revealed: boolean; path: string } | null>
}

/** What a description depends on: the file and the settings it is judged with. */
const versionOf = (m: ModelEntry): string => `${m.fileBytes}:${m.modifiedAt}:${JSON.stringify(m.settings)}`

export const createLibrarySlice =
  (client: ArborClient): StateCreator<AppState, [], [], LibrarySlice> =>
  (set, get) => {
    const describedAs = new Map<string, string>()
    let running: Promise<void> = Promise.resolve()

    return {
      library: {},

      describeModels(models) {
        running = running.then(async () => {
          for (const model of models) {
            const version = versionOf(model)
            if (describedAs.get(model.path) === version) continue
            describedAs.set(model.path, version)
            const result = await client.request('models.describe', { path: model.path })
            const facts: LibraryFacts = result.ok ? { ok: true, description: result.value } : { ok: false, code: result.error.code, message: result.error.message }
            set({ library: { ...get().library, [model.path]: facts } })
          }
        })
        return running
      },

      async renameModel(path, name) {
        const result = await client.request('models.rename', { path, name })
        if (!result.ok) {
          get().showError(result.error, 'Renaming the model')
          return false
        }
        const entry = result.value
        const { [path]: facts, ...rest } = get().library
        set({
          models: get().models.map((m) => (m.path === path ? entry : m)).sort((a, b) => a.fileName.localeCompare(b.fileName)),
          library: facts ? { ...rest, [entry.path]: facts } : rest,
        })
        describedAs.delete(path)
        if (facts) describedAs.set(entry.path, versionOf(entry))
        if (get().selectedPath === path) await get().selectModel(entry.path, entry.fileName)
        return true
      },

      async revealModel(path) {
        const result = await client.request('models.reveal', { path })
        if (!result.ok) {
          get().showError(result.error, 'Showing the file')
          return null
        }
        return result.value
      },
    }
  }
