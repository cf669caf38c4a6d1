import { lazy, Suspense } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { AppState } from '../../store/AppState'
import { useArbor } from '../../store/useArbor'
import { ShortcutsHelp } from '../ShortcutsHelp'
import { NodeInspector } from './NodeInspector'
import { TreeSearch } from './TreeSearch'

// React Flow is a large part of the app's code: the chat need not wait for it to be parsed.
const TreeCanvas = lazy(() => import('./TreeCanvas'))

const selectPanel = (s: AppState) => ({
  nodeCount: s.session.nodes.length,
  shown: s.graph.nodes.length,
  favouriteOnly: s.favouriteOnly,
  hasFavourite: s.session.favouriteLeafId !== null,
  setFavouriteOnly: s.setFavouriteOnly,
})

/** The whole session tree: search, the favourite-path filter, and the graph. */
export function TreePanel() {
  const { nodeCount, shown, favouriteOnly, hasFavourite, setFavouriteOnly } = useArbor(useShallow(selectPanel))
  return (
    <section className="panel tree-panel" aria-labelledby="tree-title" data-testid="tree">
      <div className="tree-head">
        <h2 id="tree-title">Tree</h2>
        <span className="small muted" data-testid="tree-count">
          {shown === nodeCount ? `${nodeCount} ${nodeCount === 1 ? 'message' : 'messages'}` : `${shown} of ${nodeCount} shown`}
        </span>
        <label className="toggle small" title="Show only the path to the starred leaf and the siblings along it">
          <input type="checkbox" data-testid="favourite-only" checked={favouriteOnly} onChange={(e) => setFavouriteOnly(e.target.checked)} />
          Favourite path only
        </label>
      </div>
      <TreeSearch />
      <NodeInspector />
      <div className="tree-canvas">
        {nodeCount === 0 ? (
          <p className="tree-empty muted">The tree grows as you chat: every message is a node, every edit or regenerate a branch.</p>
        ) : favouriteOnly && !hasFavourite ? (
          <p className="tree-empty muted">No favourite yet: star a message (☆ Star) to keep its path.</p>
        ) : (
          <Suspense fallback={<p className="tree-empty muted">Drawing the tree…</p>}>
            <TreeCanvas />
          </Suspense>
        )}
      </div>
      <ShortcutsHelp />
    </section>
  )
}
