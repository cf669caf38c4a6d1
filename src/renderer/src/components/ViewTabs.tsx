import { useShallow } from 'zustand/react/shallow'
import type { AppState } from '../store/AppState'
import type { ViewMode } from '../store/createUiSlice'
import { useArbor } from '../store/useArbor'

const selectView = (s: AppState) => ({ viewMode: s.viewMode, setViewMode: s.setViewMode })

const views: { mode: ViewMode; label: string; title: string }[] = [
  { mode: 'chat', label: 'Chat', title: 'The conversation only' },
  { mode: 'tree', label: 'Tree', title: 'The tree graph only' },
  { mode: 'split', label: 'Chat + Tree', title: 'Both, side by side' },
]

/** Switches the work area between the chat, the tree graph, and both. */
export function ViewTabs() {
  const { viewMode, setViewMode } = useArbor(useShallow(selectView))
  return (
    <div className="view-tabs" role="tablist" aria-label="View">
      {views.map((v) => (
        <button
          key={v.mode}
          type="button"
          role="tab"
          className="view-tab"
          data-testid={`view-${v.mode}`}
          aria-selected={viewMode === v.mode}
          title={v.title}
          onClick={() => setViewMode(v.mode)}
        >
          {v.label}
        </button>
      ))}
    </div>
  )
}
