import type { StateCreator } from 'zustand'
import { emptyGraph, type TreeGraph } from '../tree/buildGraph'
import { computeGraph } from '../tree/computeGraph'
import { searchTree } from '../tree/searchTree'
import type { AppState } from './AppState'

/** The tree graph's nodes and edges (kept in the store, as React Flow recommends), its filters and search. */
export type GraphSlice = {
  graph: TreeGraph
  /** Show only the favourite path and the siblings along it. */
  favouriteOnly: boolean
  searchQuery: string
  /** Matching node ids in tree order. */
  searchMatches: readonly string[]
  searchMatchSet: ReadonlySet<string>
  /** The match last stepped to; -1 before the first step. */
  searchIndex: number
  /** Asks the graph to pan to a node (it does so only if the node is off screen). */
  centerRequest: { id: string; seq: number } | null
  /** Asks the graph to fit or re-center after a new session opened. */
  fitRequest: number
  setFavouriteOnly(on: boolean): void
  setSearchQuery(query: string): void
  /** Selects the next (1) or previous (-1) match, as a click on it would, and pans to it. */
  searchStep(delta: 1 | -1): void
  requestCenter(id: string): void
  requestFit(): void
}

export const createGraphSlice: StateCreator<AppState, [], [], GraphSlice> = (set, get) => ({
  graph: emptyGraph,
  favouriteOnly: false,
  searchQuery: '',
  searchMatches: [],
  searchMatchSet: new Set(),
  searchIndex: -1,
  centerRequest: null,
  fitRequest: 0,

  setFavouriteOnly(favouriteOnly) {
    const { structure, byId, collapsedIds, session } = get()
    const graph = computeGraph({ structure, byId, collapsed: collapsedIds, favouriteOnly, favouriteLeafId: session.favouriteLeafId })
    set({ favouriteOnly, graph })
    get().requestFit()
  },

  setSearchQuery(searchQuery) {
    const { structure, byId } = get()
    const searchMatches = searchTree(structure, byId, searchQuery)
    set({ searchQuery, searchMatches, searchMatchSet: new Set(searchMatches), searchIndex: -1 })
  },

  searchStep(delta) {
    const { searchMatches, searchIndex } = get()
    const count = searchMatches.length
    if (count === 0) return
    const index = searchIndex < 0 ? (delta === 1 ? 0 : count - 1) : (searchIndex + delta + count) % count
    set({ searchIndex: index })
    get().selectNode(searchMatches[index]!, { center: true })
  },

  requestCenter(id) {
    set({ centerRequest: { id, seq: (get().centerRequest?.seq ?? 0) + 1 } })
  },

  requestFit() {
    set({ fitRequest: get().fitRequest + 1 })
  },
})
