import type { StateCreator } from 'zustand'
import { DEFAULT_APP_SETTINGS, type AppSettings } from '../../../shared/appSettings'
import type { ArborClient } from '../api/ArborClient'
import type { AppState } from './AppState'

/** The app settings the core keeps (default overflow policy, compaction sizes), and the dialog that edits them. */
export type SettingsSlice = {
  settings: AppSettings
  /** A problem with the settings file (they may not hold); null when there is none. */
  settingsWarning: string | null
  settingsOpen: boolean
  setSettingsOpen(open: boolean): void
  /** Changes some settings in the core; every UI hears the result (`settings.changed`). False when refused. */
  updateSettings(change: Partial<AppSettings>): Promise<boolean>
  adoptSettings(settings: AppSettings, warning: string | null): void
}

export const createSettingsSlice =
  (client: ArborClient): StateCreator<AppState, [], [], SettingsSlice> =>
  (set, get) => ({
    settings: DEFAULT_APP_SETTINGS,
    settingsWarning: null,
    settingsOpen: false,
    setSettingsOpen(settingsOpen) {
      set({ settingsOpen })
    },
    async updateSettings(change) {
      // Shown at once (a radio button follows the click); the core's answer then replaces it, or a refusal undoes it.
      const before = get().settings
      set({ settings: { ...before, ...change } })
      const result = await client.request('settings.set', change)
      if (!result.ok) {
        set({ settings: before })
        get().showError(result.error, 'Saving the settings')
        return false
      }
      set({ settings: result.value })
      return true
    },
    adoptSettings(settings, settingsWarning) {
      set({ settings, settingsWarning })
    },
  })
