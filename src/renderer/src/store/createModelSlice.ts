import type { StateCreator } from 'zustand'
import type { ModelFacts } from '../../../shared/types'
import type { ArborClient } from '../api/ArborClient'
import { previewHeader } from '../api/previewHeader'
import type { AppState } from './AppState'
import { isExtensionFile } from './isExtensionFile'

export type UploadProgress = { fileName: string; sentBytes: number; totalBytes: number }

export type ModelSlice = {
  /** The model whose facts, fit and load controls are shown. */
  selectedPath: string | null
  facts: ModelFacts | null
  /** File name being inspected, while `model.inspect` runs. */
  inspecting: string | null
  upload: UploadProgress | null
  /** A note about the file's name (e.g. not `.gguf`); the core still judges its content. */
  fileWarning: string | null
  creatingDemo: boolean
  /** Inspects a model and, if that works, selects it and estimates its fit with the recommended settings. */
  selectModel(path: string, fileName?: string): Promise<boolean>
  /**
   * A dropped or chosen file: resolves it to a path (uploading in headless mode), then selects it.
   * A `.ts`/`.js` file goes to the extension manager instead.
   */
  openFile(file: File): Promise<void>
  createDemo(): Promise<void>
  /** Deletes a file of the models folder (the core refuses the loaded model). */
  deleteModel(path: string): Promise<void>
}

const baseName = (path: string): string => path.split(/[\\/]/).pop() ?? path

export const createModelSlice =
  (client: ArborClient): StateCreator<AppState, [], [], ModelSlice> =>
  (set, get) => ({
    selectedPath: null,
    facts: null,
    inspecting: null,
    upload: null,
    fileWarning: null,
    creatingDemo: false,

    async selectModel(path, fileName = baseName(path)) {
      set({ inspecting: fileName })
      const result = await client.request('model.inspect', { path })
      set({ inspecting: null })
      if (!result.ok) {
        get().showError(result.error, `Inspecting ${fileName}`)
        return false
      }
      set({ selectedPath: path, facts: result.value, tooLarge: null, loadNote: null, error: null, fileWarning: null })
      get().resetFit()
      // A model loaded before opens with the settings it was loaded with; another with the recommended ones.
      const remembered = get().models.find((m) => m.path === path)?.settings
      if (!remembered) {
        await get().estimateFit(path)
        return true
      }
      const { threads, ...fit } = remembered
      set({ fitSettings: fit, threads, threadsChosen: true })
      await get().estimateFit(path, fit)
      return true
    },

    async openFile(file) {
      if (isExtensionFile(file)) return get().offerExtensionFile(file)
      set({
        error: null,
        fileWarning: file.name.toLowerCase().endsWith('.gguf')
          ? null
          : `"${file.name}" does not end in .gguf. Arbor reads its header anyway and tells you what it is.`,
        upload: null,
      })
      if (client.transport === 'headless') {
        // Facts from the header at once; a file that is no model never leaves the browser.
        const preview = await previewHeader(file)
        if (!preview.ok) return get().showError(preview.error, `Opening ${file.name}`)
        set({ selectedPath: null, facts: preview.value, upload: { fileName: file.name, sentBytes: 0, totalBytes: file.size } })
      }
      const resolved = await client.resolveDroppedFile(file, (sentBytes, totalBytes) => {
        if (client.transport === 'headless') set({ upload: { fileName: file.name, sentBytes, totalBytes } })
      })
      set({ upload: null })
      if (!resolved.ok) return get().showError(resolved.error, `Opening ${file.name}`)
      await get().selectModel(resolved.value.path, file.name)
    },

    async createDemo() {
      set({ creatingDemo: true })
      const result = await client.request('models.createDemo', undefined)
      set({ creatingDemo: false })
      if (!result.ok) return get().showError(result.error, 'Creating the demo model')
      const { models } = get()
      if (!models.some((m) => m.path === result.value.path)) set({ models: [...models, result.value] })
      await get().selectModel(result.value.path, result.value.fileName)
    },

    async deleteModel(path) {
      const result = await client.request('models.delete', { path })
      if (!result.ok) return get().showError(result.error, 'Deleting the model')
      set({ models: get().models.filter((m) => m.path !== path), ...(get().selectedPath === path ? { selectedPath: null, facts: null } : {}) })
    },
  })
