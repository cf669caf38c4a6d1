import type { StateCreator } from 'zustand'
import type { AppState } from './AppState'

/** How the work area shows the conversation: as a chat, as the tree graph, or both side by side. */
export type ViewMode = 'chat' | 'tree' | 'split'

/** Layout choices of this window, remembered in localStorage. */
export type UiSlice = {
  viewMode: ViewMode
  /** Share of the work area the chat takes in split view, 0.25–0.75. */
  splitRatio: number
  /** The model column folded away, to give the conversation room. */
  modelsHidden: boolean
  setViewMode(mode: ViewMode): void
  setSplitRatio(ratio: number): void
  setModelsHidden(hidden: boolean): void
}

const STORAGE_KEY = 'arbor.ui'

type Saved = Pick<UiSlice, 'viewMode' | 'splitRatio' | 'modelsHidden'>

const defaults: Saved = { viewMode: 'split', splitRatio: 0.55, modelsHidden: false }

function load(): Saved {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null')
    if (typeof raw !== 'object' || raw === null) return defaults
    const r = raw as Partial<Record<keyof Saved, unknown>>
    return {
      viewMode: r.viewMode === 'chat' || r.viewMode === 'tree' || r.viewMode === 'split' ? r.viewMode : defaults.viewMode,
      splitRatio: typeof r.splitRatio === 'number' ? clampRatio(r.splitRatio) : defaults.splitRatio,
      modelsHidden: typeof r.modelsHidden === 'boolean' ? r.modelsHidden : defaults.modelsHidden,
    }
  } catch {
    return defaults
  }
}

const clampRatio = (ratio: number): number => Math.min(0.75, Math.max(0.25, Number.isFinite(ratio) ? ratio : defaults.splitRatio))

export const createUiSlice: StateCreator<AppState, [], [], UiSlice> = (set, get) => {
  const save = () => {
    const { viewMode, splitRatio, modelsHidden } = get()
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify({ viewMode, splitRatio, modelsHidden }))
    } catch {
      // Storage can be disabled; the choice then lasts until the page reloads.
    }
  }
  return {
    ...load(),
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
  }
}
