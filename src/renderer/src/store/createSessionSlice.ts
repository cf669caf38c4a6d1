import type { StateCreator } from 'zustand'
import type { Result } from '../../../shared/errors'
import type { SessionPosition, SessionSummary, SessionView, TreeNode } from '../../../shared/treeView'
import type { ArborClient } from '../api/ArborClient'
import { buildTreeStructure, type TreeStructure } from '../tree/TreeStructure'
import type { AppState } from './AppState'
import { deriveSession } from './deriveSession'
import { emptySession } from './emptySession'
import { patchSessionNode } from './patchSessionNode'

/** The open session (a conversation tree), what is derived from it, and the list of sessions. */
export type SessionSlice = {
  session: SessionView
  /** Who is whose parent; replaced only when nodes are added or removed. */
  structure: TreeStructure
  byId: ReadonlyMap<string, TreeNode>
  /** Ids from the root to the current position (`session.leafId`). */
  path: readonly string[]
  pathIds: ReadonlySet<string>
  /** Ids from the root to the starred leaf. */
  favouriteIds: ReadonlySet<string>
  collapsedIds: ReadonlySet<string>
  /** A move sent to the core and not answered yet: views arriving meanwhile keep this position. */
  pendingLeaf: { leafId: string | null } | null
  sessions: SessionSummary[]
  sessionsFolder: string | null
  /** The session whose warnings the user dismissed. */
  warningsDismissedFor: string | null
  /** The file being uploaded or opened as a session. */
  openingSession: string | null
  /** Takes a view from the core (answer or event), keeping what did not change. */
  adoptSession(view: SessionView): void
  /** Takes a move from the core: only the position and its context composition change. */
  adoptPosition(position: SessionPosition): void
  /** Adds or replaces nodes (streamed turns), optionally moving the position. */
  upsertNodes(nodes: readonly TreeNode[], leafId?: string | null): void
  /** Replaces one node whose content changed (a streamed token): the cheap path. */
  patchNode(node: TreeNode): void
  refreshSessions(): Promise<void>
  newSession(): Promise<void>
  openSession(path: string): Promise<void>
  /** A dropped or chosen `.jsonl`: its own path in Electron, an upload to the sessions folder in a browser. */
  openSessionFile(file: File): Promise<void>
  renameSession(name: string): Promise<void>
  deleteSession(path: string): Promise<void>
  dismissWarnings(): void
}

export const createSessionSlice =
  (client: ArborClient): StateCreator<AppState, [], [], SessionSlice> =>
  (set, get) => {
    /** Adopts an answered view; false (and an error shown) when the request failed. */
    const answered = (result: Result<SessionView>, what: string): boolean => {
      if (!result.ok) {
        get().showError(result.error, what)
        return false
      }
      get().adoptSession(result.value)
      return true
    }

    return {
      session: emptySession,
      structure: buildTreeStructure([]),
      byId: new Map(),
      path: [],
      pathIds: new Set(),
      favouriteIds: new Set(),
      collapsedIds: new Set(),
      pendingLeaf: null,
      sessions: [],
      sessionsFolder: null,
      warningsDismissedFor: null,
      openingSession: null,

      adoptSession(view) {
        const s = get()
        const switched = view.summary.id !== s.session.summary.id
        set({
          ...deriveSession(s, view),
          ...(switched ? { focusedId: null, history: [], pruneNotice: null, searchIndex: -1, pendingLeaf: null } : {}),
        })
        if (switched) get().requestFit()
      },

      adoptPosition(position) {
        const s = get()
        if (position.sessionId !== s.session.summary.id) return
        set(deriveSession(s, { ...s.session, leafId: position.leafId, composition: position.composition }))
      },

      upsertNodes(nodes, leafId) {
        const { session } = get()
        const fresh = new Map(nodes.map((n) => [n.id, n]))
        const merged = session.nodes.map((n) => {
          const next = fresh.get(n.id)
          if (!next) return n
          fresh.delete(n.id)
          return next
        })
        merged.push(...fresh.values())
        get().adoptSession({ ...session, nodes: merged, ...(leafId === undefined ? {} : { leafId }) })
      },

      patchNode(node) {
        const patch = patchSessionNode(get(), node)
        if (patch) set(patch)
        else get().upsertNodes([node])
      },

      async refreshSessions() {
        const result = await client.request('session.list', undefined)
        if (result.ok) set({ sessions: result.value })
      },

      async newSession() {
        if (answered(await client.request('session.new', undefined), 'Starting a new session')) void get().refreshSessions()
      },

      async openSession(path) {
        if (answered(await client.request('session.open', { path }), 'Opening the session')) void get().refreshSessions()
      },

      async openSessionFile(file) {
        set({ openingSession: file.name, error: null })
        const resolved = await client.resolveDroppedFile(file, () => {}, 'session')
        if (!resolved.ok) {
          set({ openingSession: null })
          return get().showError(resolved.error, `Opening ${file.name}`)
        }
        await get().openSession(resolved.value.path)
        set({ openingSession: null })
      },

      async renameSession(name) {
        if (answered(await client.request('session.rename', { name }), 'Renaming the session')) void get().refreshSessions()
      },

      async deleteSession(path) {
        const result = await client.request('session.delete', { path })
        if (!result.ok) return get().showError(result.error, 'Deleting the session')
        set({ sessions: result.value })
        // Deleting the open session makes the core open another one; fetch it.
        if (path === get().session.summary.path) await get().refreshSnapshot()
      },

      dismissWarnings() {
        set({ warningsDismissedFor: get().session.summary.id })
      },
    }
  }
