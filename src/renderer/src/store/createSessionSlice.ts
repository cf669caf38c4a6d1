import type { StateCreator } from 'zustand'
import type { OverflowPolicy } from '../../../shared/contextBudget'
import type { Result } from '../../../shared/errors'
import type { SessionDelta, SessionPosition, SessionSummary, SessionView, TreeNode } from '../../../shared/treeView'
import type { ArborClient } from '../api/ArborClient'
import { buildTreeStructure, type TreeStructure } from '../tree/TreeStructure'
import type { AppState } from './AppState'
import { applySessionDelta } from './applySessionDelta'
import { deriveSession } from './deriveSession'
import { emptySession } from './emptySession'

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
  /** The last deltas heard, to apply again over a whole view that was built before them. */
  recentDeltas: readonly SessionDelta[]
  /** Takes a whole view from the core (a snapshot, another session), keeping what did not change. */
  adoptSession(view: SessionView): void
  /**
   * Takes one change of the open session (an event, or the answer to a change the user asked for; each is applied
   * once, in order). A gap in the numbers means a missed change: a fresh snapshot is fetched.
   */
  applyDelta(delta: SessionDelta): void
  /** Takes a move from the core: only the position and its context composition change. */
  adoptPosition(position: SessionPosition): void
  /** Adds or replaces nodes (streamed turns), optionally moving the position. */
  upsertNodes(nodes: readonly TreeNode[], leafId?: string | null): void
  /** The answer streamed under a pending id is stored: the pending node gives way to the stored one. */
  replacePending(pendingId: string, node: TreeNode): void
  refreshSessions(): Promise<void>
  newSession(): Promise<void>
  openSession(path: string): Promise<void>
  /** A dropped or chosen `.jsonl`: its own path in Electron, an upload to the sessions folder in a browser. */
  openSessionFile(file: File): Promise<void>
  renameSession(name: string): Promise<void>
  /** Offers the extensions' tools to the model in this session, or stops. */
  setToolsEnabled(enabled: boolean): Promise<void>
  /** What a turn that would not fit does in this session. */
  /** null: the session follows the app's default again. */
  setOverflowPolicy(policy: OverflowPolicy | null): Promise<void>
  /** Moves the session to another working folder; false when the core refused it (the error is shown). */
  setWorkingFolder(cwd: string): Promise<boolean>
  /** Deletes a session after a few seconds, with Undo meanwhile (the open one is left for a new session first). */
  deleteSession(path: string): Promise<void>
  /** The session waiting to be deleted, for the toast with Undo; hidden from the list meanwhile. */
  pendingDelete: { path: string; title: string } | null
  undoDelete(): void
  dismissWarnings(): void
}

/** How long a deleted session can be brought back with Undo before its file goes. */
const DELETE_DELAY_MS = 6000

export const createSessionSlice =
  (client: ArborClient): StateCreator<AppState, [], [], SessionSlice> =>
  (set, get) => {
    let deleteTimer: ReturnType<typeof setTimeout> | null = null
    const commitDelete = async () => {
      const pending = get().pendingDelete
      if (!pending) return
      const result = await client.request('session.delete', { path: pending.path })
      set({ pendingDelete: null })
      if (!result.ok) return get().showError(result.error, 'Deleting the session')
      set({ sessions: result.value })
      // Deleting the open session makes the core open another one; fetch it.
      if (pending.path === get().session.summary.path) await get().refreshSnapshot()
    }
    const remember = (delta: SessionDelta) => {
      const recent = get().recentDeltas
      if (recent.some((d) => d.seq === delta.seq && d.sessionId === delta.sessionId)) return
      set({ recentDeltas: [...recent.slice(-63), delta].sort((a, b) => a.seq - b.seq) })
    }

    /** Applies the remembered deltas that follow the view in the store, in order. */
    const catchUp = () => {
      for (const delta of get().recentDeltas) {
        const { session } = get()
        if (delta.sessionId !== session.summary.id || delta.seq !== session.seq + 1) continue
        set(deriveSession(get(), applySessionDelta(session, delta)))
      }
    }

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
      recentDeltas: [],
      sessions: [],
      sessionsFolder: null,
      warningsDismissedFor: null,
      openingSession: null,

      adoptSession(incoming) {
        const s = get()
        const switched = incoming.summary.id !== s.session.summary.id
        // A whole view (a snapshot) does not hold the answer being written: its bubble stays until it is stored.
        const pending = s.streaming && !switched ? s.session.nodes.find((n) => n.id === s.streaming!.nodeId) : undefined
        const view = pending && !incoming.nodes.some((n) => n.id === pending.id) ? { ...incoming, nodes: [...incoming.nodes, pending], leafId: pending.id } : incoming
        set({
          ...deriveSession(s, view),
          ...(switched ? { focusedId: null, history: [], pruneNotice: null, searchIndex: -1, pendingLeaf: null } : {}),
        })
        catchUp()
        if (switched) get().requestFit()
      },

      applyDelta(delta) {
        remember(delta)
        const { session } = get()
        if (delta.sessionId !== session.summary.id || delta.seq <= session.seq) return
        if (delta.seq > session.seq + 1) return void get().refreshSnapshot('gap')
        set(deriveSession(get(), applySessionDelta(session, delta)))
        catchUp()
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

      replacePending(pendingId, node) {
        const { session } = get()
        const nodes = session.nodes.filter((n) => n.id !== pendingId)
        const at = nodes.findIndex((n) => n.id === node.id)
        if (at >= 0) nodes[at] = node
        else nodes.push(node)
        get().adoptSession({ ...session, nodes, leafId: session.leafId === pendingId ? node.id : session.leafId })
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

      async setToolsEnabled(enabled) {
        const result = await client.request('session.setTools', { enabled })
        if (!result.ok) return get().showError(result.error, enabled ? 'Turning tools on' : 'Turning tools off')
        get().applyDelta(result.value)
      },

      async setOverflowPolicy(policy) {
        const result = await client.request('session.setOverflow', { policy })
        if (!result.ok) return get().showError(result.error, 'Changing what happens when the context is full')
        get().applyDelta(result.value)
      },

      async setWorkingFolder(cwd) {
        const result = await client.request('session.setCwd', { cwd })
        if (!result.ok) {
          get().showError(result.error, 'Changing the working folder')
          return false
        }
        get().applyDelta(result.value)
        return true
      },

      async renameSession(name) {
        const result = await client.request('session.rename', { name })
        if (!result.ok) return get().showError(result.error, 'Renaming the session')
        get().applyDelta(result.value)
        void get().refreshSessions()
      },

      pendingDelete: null,

      async deleteSession(path) {
        // One waits at a time: an earlier one is carried out now.
        if (deleteTimer) {
          clearTimeout(deleteTimer)
          deleteTimer = null
          await commitDelete()
        }
        const summary = get().sessions.find((s) => s.path === path)
        const title = summary?.name ?? summary?.firstMessage?.slice(0, 40) ?? path.split(/[\\/]/).pop() ?? path
        set({ pendingDelete: { path, title } })
        if (path === get().session.summary.path) await get().newSession()
        deleteTimer = setTimeout(() => {
          deleteTimer = null
          void commitDelete()
        }, DELETE_DELAY_MS)
      },

      undoDelete() {
        if (deleteTimer) clearTimeout(deleteTimer)
        deleteTimer = null
        set({ pendingDelete: null })
      },

      dismissWarnings() {
        set({ warningsDismissedFor: get().session.summary.id })
      },
    }
  }
