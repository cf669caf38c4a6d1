import type { StateCreator } from 'zustand'
import type { Result } from '../../../shared/errors'
import type { SessionDelta, SessionView } from '../../../shared/treeView'
import type { ArborClient } from '../api/ArborClient'
import { childIds } from '../tree/TreeStructure'
import { isInSubtree, latestLeafUnder, siblingsOf } from '../tree/treeQueries'
import type { AppState } from './AppState'
import { deriveSession } from './deriveSession'

/** A place to come back to with Alt+Backspace. */
export type Position = { leafId: string | null; focusedId: string | null }

export type CursorMove = 'parent' | 'child' | 'previous' | 'next'

export type SelectOptions = {
  /** Pan the graph to the node if it is off screen (keyboard, search, chat). Defaults to `false`. */
  center?: boolean
}

/** Moving in the tree and organising it. */
export type TreeSlice = {
  /** The node the user last picked in the graph or chat (its toolbar shows); may differ from the position. */
  focusedId: string | null
  /** Earlier positions, most recent last. */
  history: Position[]
  /** After a prune: how many messages went, offering Undo. */
  pruneNotice: { count: number } | null
  summarizing: boolean
  /**
   * Pi's rule: selecting a user message puts its text in the chat input and moves to its
   * parent (so sending makes an edited sibling); any other node becomes the position.
   */
  selectNode(id: string | null, options?: SelectOptions): void
  /** Unpicks the graph's node (a click on the empty pane). */
  clearFocus(): void
  /** Alt+arrows: from the focused node (or the position) to its parent, first child or a sibling. */
  moveCursor(move: CursorMove): void
  /** Alt+Backspace: back to the previous position. */
  goBack(): void
  /** The sibling `delta` away, continued to its latest leaf (always the last child). */
  stepSibling(id: string, delta: number): void
  labelNode(id: string, label: string | null): Promise<void>
  /** Stars `id` as the favourite leaf, or clears the star when it already is. */
  toggleFavourite(id: string): Promise<void>
  setCollapsed(id: string, collapsed: boolean): Promise<void>
  pruneNode(id: string): Promise<void>
  undoPrune(): Promise<void>
  /** Forgets what could be undone (prunes are kept beside the file until then). */
  emptyUndo(): Promise<void>
  dismissPruneNotice(): void
  forkAt(id: string): Promise<void>
  /** Asks the loaded model to summarise the branch at the current position. */
  summarizeBranch(): Promise<void>
}

const HISTORY_LIMIT = 100

export const createTreeSlice =
  (client: ArborClient): StateCreator<AppState, [], [], TreeSlice> =>
  (set, get) => {
    let moves = 0

    /** Takes a change's answer: the delta of a change, or the whole view of another session. */
    const adopt = (result: Result<SessionDelta | SessionView>, what: string): boolean => {
      if (!result.ok) {
        get().showError(result.error, what)
        return false
      }
      if ('nodes' in result.value) get().adoptSession(result.value)
      else get().applyDelta(result.value)
      return true
    }

    const remember = () => {
      const { session, focusedId, history } = get()
      const last = history.at(-1)
      if (last && last.leafId === session.leafId && last.focusedId === focusedId) return
      set({ history: [...history.slice(-(HISTORY_LIMIT - 1)), { leafId: session.leafId, focusedId }] })
    }

    /** Moves at once in the UI, then tells the core; answers arriving meanwhile keep the new position. */
    const moveTo = async (leafId: string | null, also: Partial<AppState> = {}) => {
      const before = get()
      if (before.session.leafId === leafId && !before.pendingLeaf) return set(also)
      const mine = ++moves
      const previous = before.session.leafId
      const pendingLeaf = { leafId }
      set({ ...also, pendingLeaf, ...deriveSession({ ...before, pendingLeaf }, { ...before.session, leafId }) })
      const result = await client.request('tree.select', { nodeId: leafId })
      if (mine !== moves) return
      set({ pendingLeaf: null })
      if (result.ok) return get().adoptPosition(result.value)
      get().showError(result.error, 'Moving in the tree')
      if (get().session.leafId === leafId) set(deriveSession(get(), { ...get().session, leafId: previous }))
    }

    /** Expands collapsed ancestors of `id` and pans the graph to it. */
    const reveal = (id: string) => {
      const { structure, collapsedIds } = get()
      for (const collapsedId of collapsedIds) if (collapsedId !== id && isInSubtree(structure, collapsedId, id)) void get().setCollapsed(collapsedId, false)
      get().requestCenter(id)
    }

    return {
      focusedId: null,
      history: [],
      pruneNotice: null,
      summarizing: false,

      selectNode(id, { center = false } = {}) {
        const { byId, structure } = get()
        const node = id === null ? null : byId.get(id)
        if (id !== null && !node) return
        remember()
        let leafId = id
        // Pi's rule: a user message is a place to branch from, so its parent becomes the position. The draft is the
        // user's: a click never puts text in it ("Edit in composer" does).
        if (node?.kind === 'user') leafId = structure.parentOf.get(node.id) ?? null
        get().clearAutoDraft()
        if (center && id !== null) reveal(id)
        void moveTo(leafId, { focusedId: id })
      },

      clearFocus() {
        if (get().focusedId !== null) set({ focusedId: null })
      },

      moveCursor(move) {
        const { focusedId, byId, session, structure } = get()
        const cursor = focusedId !== null && byId.has(focusedId) ? focusedId : session.leafId
        let target: string | null | undefined
        if (move === 'parent') target = cursor === null ? undefined : (structure.parentOf.get(cursor) ?? null)
        else if (move === 'child') target = childIds(structure, cursor)[0]
        else if (cursor !== null) {
          const { ids, index } = siblingsOf(structure, cursor)
          target = ids[index + (move === 'next' ? 1 : -1)]
        }
        if (target !== undefined) get().selectNode(target, { center: true })
      },

      goBack() {
        const { history, byId, session, focusedId } = get()
        const rest = [...history]
        let entry: Position | undefined
        while ((entry = rest.pop())) {
          const exists = entry.leafId === null || byId.has(entry.leafId)
          const differs = entry.leafId !== session.leafId || entry.focusedId !== focusedId
          if (exists && differs) break
        }
        set({ history: rest })
        if (!entry) return
        const focus = entry.focusedId !== null && byId.has(entry.focusedId) ? entry.focusedId : null
        get().clearAutoDraft()
        const target = focus ?? entry.leafId
        if (target !== null) reveal(target)
        void moveTo(entry.leafId, { focusedId: focus })
      },

      stepSibling(id, delta) {
        const { structure } = get()
        const { ids, index } = siblingsOf(structure, id)
        const sibling = ids[index + delta]
        if (sibling === undefined) return
        const leafId = latestLeafUnder(structure, sibling)
        remember()
        get().clearAutoDraft()
        reveal(leafId)
        void moveTo(leafId, { focusedId: leafId })
      },

      async labelNode(id, label) {
        const text = label?.trim() ?? ''
        adopt(await client.request('tree.label', { nodeId: id, label: text === '' ? null : text }), 'Labelling the message')
      },

      async toggleFavourite(id) {
        const leafId = get().session.favouriteLeafId === id ? null : id
        adopt(await client.request('tree.favourite', { leafId }), 'Starring the message')
      },

      async setCollapsed(id, collapsed) {
        const { session } = get()
        if (session.collapsed.includes(id) === collapsed) return
        const next = collapsed ? [...session.collapsed, id] : session.collapsed.filter((c) => c !== id)
        set(deriveSession(get(), { ...session, collapsed: next }))
        adopt(await client.request('tree.collapse', { nodeId: id, collapsed }), collapsed ? 'Collapsing the branch' : 'Expanding the branch')
      },

      async pruneNode(id) {
        const count = get().structure.subtreeSize.get(id) ?? 1
        if (!adopt(await client.request('tree.prune', { nodeId: id }), 'Pruning the branch')) return
        const { focusedId, byId } = get()
        set({ pruneNotice: { count }, ...(focusedId !== null && !byId.has(focusedId) ? { focusedId: null } : {}) })
      },

      async emptyUndo() {
        const result = await client.request('tree.emptyUndo', undefined)
        if (!result.ok) return get().showError(result.error, 'Emptying the undo')
        get().applyDelta(result.value)
      },

      async undoPrune() {
        if (adopt(await client.request('tree.undo', undefined), 'Undoing the prune')) set({ pruneNotice: null })
      },

      dismissPruneNotice() {
        set({ pruneNotice: null })
      },

      async forkAt(id) {
        if (adopt(await client.request('tree.fork', { nodeId: id }), 'Forking the session')) void get().refreshSessions()
      },

      async summarizeBranch() {
        const { session } = get()
        if (session.leafId === null || get().summarizing) return
        set({ summarizing: true })
        const result = await client.request('tree.summarizeBranch', { fromLeafId: session.leafId, toNodeId: null })
        set({ summarizing: false })
        if (!result.ok) return get().showError(result.error, 'Summarising the branch')
      },
    }
  }
