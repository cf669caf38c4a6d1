import type { StateCreator } from 'zustand'
import type { AppState } from './AppState'

/** How the work area shows the conversation: as a chat, as the tree graph, or both side by side. */
export type ViewMode = 'chat' | 'tree' | 'split'

/** Colours: the system's choice (`prefers-color-scheme`), or one fixed. */
export type Theme = 'system' | 'light' | 'dark'

/** Layout choices of this window, remembered in localStorage. */
export type UiSlice = {
  theme: Theme
  setTheme(theme: Theme): void
  viewMode: ViewMode
  /** Share of the work area the chat takes in split view, 0.25–0.75. */
  splitRatio: number
  /** The model panel (facts, fit, load details) folded away, to give the conversation room. */
  modelsHidden: boolean
  /** The sessions sidebar folded away. */
  sessionsHidden: boolean
  /** In a narrow window the side panels are overlays: the one open now, if any (not remembered). */
  narrowPanel: 'sessions' | 'model' | null
  setSessionsHidden(hidden: boolean): void
  setNarrowPanel(panel: 'sessions' | 'model' | null): void
  setViewMode(mode: ViewMode): void
  setSplitRatio(ratio: number): void
  setModelsHidden(hidden: boolean): void
}

const STORAGE_KEY = 'arbor.ui'

type Saved = Pick<UiSlice, 'viewMode' | 'splitRatio' | 'modelsHidden' | 'sessionsHidden' | 'theme'>

const defaults: Saved = { viewMode: 'split', splitRatio: 0.55, modelsHidden: false, sessionsHidden: false, theme: 'system' }

function load(): Saved {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null')
    if (typeof raw !== 'object' || raw === null) return defaults
    const r = raw as Partial<Record<keyof Saved, unknown>>
    return {
      viewMode: r.viewMode === 'chat' || r.viewMode === 'tree' || r.viewMode === 'split' ? r.viewMode : defaults.viewMode,
      splitRatio: typeof r.splitRatio === 'number' ? clampRatio(r.splitRatio) : defaults.splitRatio,
      modelsHidden: typeof r.modelsHidden === 'boolean' ? r.modelsHidden : defaults.modelsHidden,
      sessionsHidden: typeof r.sessionsHidden === 'boolean' ? r.sessionsHidden : defaults.sessionsHidden,
      theme: r.theme === 'light' || r.theme === 'dark' || r.theme === 'system' ? r.theme : defaults.theme,
    }
  } catch {
    return defaults
  }
}

const clampRatio = (ratio: number): number => Math.min(0.75, Math.max(0.25, Number.isFinite(ratio) ? ratio : defaults.splitRatio))

export const createUiSlice: StateCreator<AppState, [], [], UiSlice> = (set, get) => {
  const save = () => {
    const { viewMode, splitRatio, modelsHidden, sessionsHidden, theme } = get()
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify({ viewMode, splitRatio, modelsHidden, sessionsHidden, theme }))
    } catch {
      // Storage can be disabled; the choice then lasts until the page reloads.
    }
  }
  return {
    ...load(),
    narrowPanel: null,
    setSessionsHidden(sessionsHidden) {
      set({ sessionsHidden })
      save()
    },
    setNarrowPanel(narrowPanel) {
      set({ narrowPanel })
    },
    setViewMode(viewMode) {
      set({ viewMode })
      save()
    },
    setSplitRatio(ratio) {
      set({ splitRatio: clampRatio(ratio) })
      save()
    },
    setModelsHidden(modelsHidden) {
      set({ modelsHidden })
      save()
    },
    setTheme(theme) {
      set({ theme })
      save()
    },
  }
}
