import type { StateCreator } from 'zustand'
import type { ExtensionView } from '../../../shared/contract'
import type { Result } from '../../../shared/errors'
import type { ArborClient } from '../api/ArborClient'
import type { AppState } from './AppState'
import type { ShownError } from './createAppSlice'
import { isExtensionFile } from './isExtensionFile'

/** An extension's `notify(text)`, shown for a while. `id` tells two equal notices apart. */
export type ExtensionNotice = { id: number; extension: string; text: string }

export type ExtensionsSlice = {
  extensions: ExtensionView[]
  /** True once a list has arrived from the core. */
  extensionsLoaded: boolean
  /** The manager is shown; a dropped `.ts`/`.js` file is then installed. */
  extensionsOpen: boolean
  /** Name of the extension (or the working folder) an action (toggle, reload, uninstall, allow, trust) is running on. */
  extensionBusy: string | null
  /** File name of an extension being uploaded or installed. */
  installingExtension: string | null
  /** The last failure of the manager's requests, shown inside it. */
  extensionsError: ShownError | null
  extensionNotice: ExtensionNotice | null
  /** Shown instead of opening a dropped extension as a model while the manager is closed. */
  extensionHint: string | null
  refreshExtensions(): Promise<void>
  setExtensionsOpen(open: boolean): void
  setExtensionEnabled(name: string, enabled: boolean): Promise<void>
  reloadExtension(name: string): Promise<void>
  uninstallExtension(name: string): Promise<void>
  /** Allows exactly the permissions shown (`consent.requested`) and enables it. */
  allowExtension(name: string, permissions: string[]): Promise<void>
  /** Replaces an extension's settings (empty: the default) and restarts it. */
  saveExtensionSettings(name: string, settings: Record<string, string>): Promise<void>
  /** Trusts a working folder (its extensions may run) or stops trusting it. */
  trustWorkspace(folder: string, trusted: boolean): Promise<void>
  /** A chosen or dropped `.ts`/`.js` file: its path (an upload in headless mode), then `extensions.install`. */
  installExtension(file: File): Promise<void>
  /** A dropped extension file: installed while the manager is open, otherwise a hint to open it. */
  offerExtensionFile(file: File): void
  /** A dropped folder: an extension, installed by its path in the app window (a browser cannot send a folder). */
  offerExtensionFolder(folder: File): void
  showExtensionNotice(extension: string, text: string): void
  dismissExtensionNotice(): void
  dismissExtensionHint(): void
}

let noticeIds = 0

export const createExtensionsSlice =
  (client: ArborClient): StateCreator<AppState, [], [], ExtensionsSlice> =>
  (set, get) => {
    /** Adopts an answered list; shows the failure in the manager otherwise. */
    const answered = (result: Result<ExtensionView[]>, context: string): boolean => {
      if (!result.ok) {
        set({ extensionsError: { ...result.error, context } })
        return false
      }
      set({ extensions: result.value, extensionsLoaded: true, extensionsError: null })
      return true
    }

    /** Installs a file or folder by its path (an upload first in headless mode). */
    const install = async (file: File): Promise<void> => {
      set({ installingExtension: file.name, extensionsError: null })
      const resolved = await client.resolveDroppedFile(file, () => {}, 'extension')
      const result = resolved.ok ? await client.request('extensions.install', { path: resolved.value.path }) : resolved
      set({ installingExtension: null })
      answered(result, `Installing ${file.name}`)
    }

    /** Runs one action on a named extension, one at a time. */
    const act = async (name: string, context: string, run: () => Promise<Result<ExtensionView[]>>): Promise<void> => {
      if (get().extensionBusy !== null) return
      set({ extensionBusy: name, extensionsError: null })
      const result = await run()
      set({ extensionBusy: null })
      answered(result, context)
    }

    return {
      extensions: [],
      extensionsLoaded: false,
      extensionsOpen: false,
      extensionBusy: null,
      installingExtension: null,
      extensionsError: null,
      extensionNotice: null,
      extensionHint: null,

      async refreshExtensions() {
        answered(await client.request('extensions.list', undefined), 'Listing the extensions')
      },

      setExtensionsOpen(extensionsOpen) {
        set({ extensionsOpen, extensionHint: null, ...(extensionsOpen ? {} : { extensionsError: null }) })
        if (extensionsOpen) void get().refreshExtensions()
      },

      setExtensionEnabled: (name, enabled) =>
        act(name, `${enabled ? 'Enabling' : 'Disabling'} ${name}`, () => client.request('extensions.setEnabled', { name, enabled })),

      reloadExtension: (name) => act(name, `Reloading ${name}`, () => client.request('extensions.reload', { name })),

      uninstallExtension: (name) => act(name, `Uninstalling ${name}`, () => client.request('extensions.uninstall', { name })),

      async allowExtension(name, permissions) {
        await act(name, `Allowing ${name}`, () => client.request('extensions.allow', { name, permissions }))
        // It asks for something else by now: show that, keeping the error that says so.
        if (get().extensionsError?.code === 'EXTENSION_PERMISSIONS_CHANGED') {
          const list = await client.request('extensions.list', undefined)
          if (list.ok) set({ extensions: list.value })
        }
      },

      saveExtensionSettings: (name, settings) => act(name, `Saving the settings of ${name}`, () => client.request('extensions.setSettings', { name, settings })),

      trustWorkspace: (folder, trusted) =>
        act(folder, `${trusted ? 'Trusting' : 'No longer trusting'} ${folder}`, () => client.request('extensions.trustWorkspace', { folder, trusted })),

      async installExtension(file) {
        const context = `Installing ${file.name}`
        if (!isExtensionFile(file)) {
          set({ extensionsError: { code: 'EXTENSION_INVALID', message: `"${file.name}" is not a .ts or .js file.`, context } })
          return
        }
        await install(file)
      },

      offerExtensionFolder(folder) {
        if (client.transport !== 'electron') {
          set({
            extensionsOpen: true,
            extensionsError: {
              code: 'EXTENSION_INVALID',
              message: `A browser cannot send the folder "${folder.name}". Drop its .ts or .js file, or copy the folder into the extensions folder (~/.arbor/extensions) on the machine running Arbor: it is picked up at once.`,
              context: `Installing ${folder.name}`,
            },
          })
          return
        }
        set({ extensionsOpen: true })
        void install(folder)
      },

      offerExtensionFile(file) {
        if (get().extensionsOpen) void get().installExtension(file)
        else set({ extensionHint: `"${file.name}" is an extension, not a model. Open Extensions to install it.` })
      },

      showExtensionNotice(extension, text) {
        set({ extensionNotice: { id: ++noticeIds, extension, text } })
      },

      dismissExtensionNotice() {
        set({ extensionNotice: null })
      },

      dismissExtensionHint() {
        set({ extensionHint: null })
      },
    }
  }
