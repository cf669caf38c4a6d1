import { estimatedTokens } from '../../../shared/tree/compaction'
import type { OverflowPolicy } from '../../../shared/contextBudget'
import type { ArborEvent } from '../../../shared/contract'
import { ArborFailure, type Result } from '../../../shared/errors'
import type { ToolForModel } from '../../../shared/extensions/toolTokenCost'
import type { NewSessionEntry, SessionEntry, SessionHeader } from '../../../shared/session/sessionTypes'
import { contextMessages, type ContextMessage } from '../../../shared/tree/contextMessages'
import { nearestNode, nodeKindOf } from '../../../shared/tree/treeNodes'
import type { SessionDelta, SessionPosition, SessionSummary, SessionView, TreeNode } from '../../../shared/treeView'
import type { Engine } from '../engine'
import { OpenSession } from './OpenSession'
import type { PiSessions } from './PiSessions'
import { checkWorkingFolder, ProjectFolders } from './projectFolders'
import { noChange, SessionDeltas } from './SessionDeltas'
import type { SessionsFolder } from './SessionsFolder'
import { SessionsList } from './SessionsList'

export { DEFAULT_SYSTEM_PROMPT } from './OpenSession'

/**
 * The open session and the operations on it. Every change is on disk (appended and flushed, or rewritten
 * atomically) before the promise resolves; every UI then hears what changed as one `session.changed` delta, and
 * a whole view only when another session opens. Token counts and the context's composition come after, in their
 * own deltas, from the engine.
 */
export class SessionService {
  private open: OpenSession
  /** What every UI hears: the deltas, the token counts, the composition. */
  private readonly deltas: SessionDeltas
  /** The sidebar's list of sessions. */
  private readonly sessions: SessionsList
  /** The tools offered to the model with every prompt, for the context's composition. Defaults to none. */
  offeredTools: () => readonly ToolForModel[] = () => []

  private constructor(
    private readonly folder: SessionsFolder,
    private readonly emit: (event: ArborEvent) => void,
    private readonly engine: Engine,
    startFolder: string,
    /** Pi's sessions folder, listed beside Arbor's; null lists none. */
    private readonly pi: PiSessions | null = null,
  ) {
    this.projects = new ProjectFolders(startFolder)
    this.deltas = new SessionDeltas(engine, emit, () => this.open, () => this.offeredTools())
    this.sessions = new SessionsList(folder, pi, emit, () => this.open)
    this.open = null as unknown as OpenSession
  }

  /** Opens the most recently changed session of the folder, or starts a new one. */
  static async create(folder: SessionsFolder, emit: (event: ArborEvent) => void, engine: Engine, cwd: string, pi: PiSessions | null = null): Promise<SessionService> {
    const service = new SessionService(folder, emit, engine, cwd, pi)
    const listed = await folder.list()
    const latest = listed.find((s) => !s.error)
    // Newer sessions that cannot be shown are skipped, and said so: a bad file must not keep Arbor from starting.
    const notices = listed
      .slice(0, latest ? listed.indexOf(latest) : listed.length)
      .slice(0, 3)
      .map((s) => `Skipped ${s.path.split(/[\\/]/).pop()}: ${s.error!.message}`)
    const first = latest
      ? await OpenSession.read(latest.path, service.tokensOf).catch((error: unknown) => {
          // Another Arbor has it open (or it cannot be read): start a new one rather than not start.
          notices.push(`A new session was started: ${ArborFailure.wrap(error, 'SESSION_INVALID').message}`)
          return null
        })
      : null
    if (first) first.warnings.push(...notices)
    service.adopt(first ?? (await service.blank(notices)))
    return service
  }

  /** Lets another process open the session that is open here (at shutdown). */
  async close(): Promise<void> {
    this.sessions.close()
    await this.open.close()
  }

  private get tokensOf() {
    return this.deltas.tokensOf
  }

  private readonly projects: ProjectFolders

  private async blank(warnings: string[] = [], cwd = this.projects.current): Promise<OpenSession> {
    const { id, path } = await this.folder.newSessionPath()
    return OpenSession.blank(path, id, cwd, this.tokensOf, warnings)
  }

  /**
   * Moves the session to another working folder (the header's `cwd`, where Pi runs its tools when it resumes the
   * session); the file is rewritten. Throws `BAD_REQUEST`, `FILE_NOT_FOUND`.
   */
  async setWorkingFolder(folder: string): Promise<SessionDelta> {
    const cwd = await checkWorkingFolder(folder)
    const open = this.open
    await open.sync()
    open.doc.setCwd(cwd)
    await open.rewrite()
    this.projects.note(cwd)
    void this.sessions.changed()
    return this.deltas.changed({ upserted: [], removed: [], state: true })
  }

  get folderPath(): string {
    return this.folder.path
  }

  get header(): Readonly<SessionHeader> {
    return this.open.header
  }

  get path(): string {
    return this.open.path
  }

  get hasFile(): boolean {
    return this.open.hasFile
  }

  /** The current position (a node id), or null at the root. */
  get position(): string | null {
    return this.open.position
  }

  systemPrompt(): string {
    return this.open.systemPrompt
  }

  nodes(): TreeNode[] {
    return this.open.index.list()
  }

  /** A node of the open session. Throws `NODE_NOT_FOUND`. */
  node(id: string): TreeNode {
    const node = this.open.node(id)
    if (!node) throw new ArborFailure('NODE_NOT_FOUND', `There is no message ${id} in this session.`)
    return node
  }

  nodeExists(id: string): void {
    this.node(id)
  }

  /** Every entry from the root to `id`, bookkeeping included. */
  entriesTo(id: string | null): SessionEntry[] {
    return this.open.doc.pathTo(id)
  }

  /** The messages the model reads at `id`. */
  contextAt(id: string | null): ContextMessage[] {
    return contextMessages(this.open.doc.pathTo(id))
  }

  /** The nearest node above `id` with more than one child node (null: the root). */
  branchPointAbove(id: string): string | null {
    const nodes = this.nodes()
    const children = new Map<string | null, number>()
    for (const n of nodes) children.set(n.parentId, (children.get(n.parentId) ?? 0) + 1)
    let parent = this.open.node(id)?.parentId ?? null
    while (parent !== null && (children.get(parent) ?? 0) < 2) parent = this.open.node(parent)?.parentId ?? null
    return parent
  }

  /** Whether a file reads as a session (warnings allowed), without opening it. */
  checkFile(path: string): Promise<Result<{ path: string }>> {
    return this.sessions.checkFile(path)
  }

  /** The open session whole, with its composition counted (for a snapshot). */
  view(): Promise<SessionView> {
    return this.deltas.view()
  }

  // --- Changes: each emits one delta. ---

  /** Appends one entry and waits until it is on disk; a new node is counted with the loaded model first. */
  async append(entry: NewSessionEntry, parentId: string | null): Promise<string> {
    return (await this.appendEntry(entry, parentId)).id
  }

  private async appendEntry(entry: NewSessionEntry, parentId: string | null): Promise<{ id: string; delta: SessionDelta | null }> {
    const open = this.open
    const { entry: added, change } = await open.append(entry, parentId)
    if (nodeKindOf(added) !== null) open.index.setTokens(await this.deltas.counts.count([{ id: added.id, text: () => open.index.countedText(added.id) }]))
    this.sessions.schedule()
    return { id: added.id, delta: open === this.open ? this.deltas.changed(change) : null }
  }

  /** Moves the position without checks (a turn moving to what it wrote). */
  moveTo(id: string | null): SessionDelta {
    this.open.position = id
    return this.deltas.changed(noChange, { leafId: id })
  }

  /** Moves the position; the delta that says so carries what the context there costs. */
  async select(nodeId: string | null): Promise<SessionPosition> {
    if (nodeId !== null) this.nodeExists(nodeId)
    this.open.position = nodeId
    const { composition } = await this.deltas.moved()
    return { sessionId: this.open.header.id, leafId: this.open.position, composition }
  }

  /** Bookkeeping (labels, Arbor state, names) hangs under the current position, as Pi appends at its leaf. */
  async appendAtPosition(entry: NewSessionEntry): Promise<SessionDelta> {
    const open = this.open
    const { delta } = await this.appendEntry(entry, open.position ?? open.doc.leafId)
    return delta ?? this.deltas.unchanged
  }

  async rename(name: string): Promise<SessionDelta> {
    const delta = await this.appendAtPosition({ type: 'session_info', name })
    void this.sessions.changed()
    return delta
  }

  label(nodeId: string, label: string | null): Promise<SessionDelta> {
    this.nodeExists(nodeId)
    return this.appendAtPosition({ type: 'label', targetId: nodeId, label: label ?? undefined })
  }

  favourite(leafId: string | null): Promise<SessionDelta> {
    if (leafId !== null) this.nodeExists(leafId)
    return this.appendAtPosition({ type: 'custom', customType: 'arbor.favourite', data: { leafId } })
  }

  collapse(nodeId: string, collapsed: boolean): Promise<SessionDelta> {
    this.nodeExists(nodeId)
    const ids = new Set(this.open.index.state.collapsed)
    if (collapsed) ids.add(nodeId)
    else ids.delete(nodeId)
    return this.appendAtPosition({ type: 'custom', customType: 'arbor.collapsed', data: { ids: [...ids] } })
  }

  /** Whether the open session offers the extensions' tools to the model. */
  get toolsEnabled(): boolean {
    return this.open.index.state.toolsEnabled
  }

  /**
   * Tokens of each message entry in `entries` with the loaded model, counted in batches that yield (and cached, as
   * the tree's counts are); an entry without a count (no model, or not a message) falls back to Pi's estimate.
   */
  async tokensOfEntries(entries: readonly SessionEntry[]): Promise<(entry: SessionEntry) => number> {
    const open = this.open
    const nodes = entries.filter((e) => nodeKindOf(e) !== null)
    await this.deltas.counts.count(nodes.map((e) => ({ id: e.id, text: () => open.index.countedText(e.id) })))
    return (entry) => this.deltas.counts.get(entry.id) ?? estimatedTokens(entry)
  }

  /** The session's own overflow policy; null when it follows the app's default. */
  get overflowPolicy(): OverflowPolicy | null {
    return this.open.index.state.overflowPolicy
  }

  /** What a turn that would not fit does in this session (an `arbor.overflow` entry, so it lasts); null: the app's default. */
  setOverflowPolicy(policy: OverflowPolicy | null): Promise<SessionDelta> {
    return this.appendAtPosition({ type: 'custom', customType: 'arbor.overflow', data: { policy } })
  }

  /** Turns the extensions' tools on or off for this session (an `arbor.tools` entry, so it lasts). */
  setToolsEnabled(enabled: boolean): Promise<SessionDelta> {
    return this.appendAtPosition({ type: 'custom', customType: 'arbor.tools', data: { enabled } })
  }

  /** The tools offered changed (an extension turned on or off): the context's composition is counted again. */
  toolsChanged(): void {
    void this.deltas.updateComposition()
  }

  setSystemPrompt(prompt: string): Promise<SessionDelta> {
    return this.appendAtPosition({ type: 'custom', customType: 'arbor.system', data: { prompt } })
  }

  async prune(nodeId: string): Promise<SessionDelta> {
    const open = this.open
    // What Pi appended meanwhile is taken in first: the rewrite keeps it (or prunes it with its branch).
    await open.sync()
    this.nodeExists(nodeId)
    const parentId = open.doc.get(nodeId)?.parentId ?? null
    const { token, removedIds } = open.doc.prune(nodeId)
    open.undo.push(token)
    // A position inside the pruned subtree moves up to the pruned node's parent.
    const moved = open.position !== null && removedIds.includes(open.position)
    if (moved) open.position = nearestNode(new Map(open.doc.entries.map((e) => [e.id, e])), parentId)
    await open.rewrite()
    await open.keepUndo()
    void this.sessions.changed()
    return this.deltas.changed(open.index.rebuild(), moved ? { leafId: open.position } : {})
  }

  async undo(): Promise<SessionDelta> {
    const open = this.open
    await open.sync()
    const token = open.undo.pop()
    if (!token) throw new ArborFailure('NOTHING_TO_UNDO', 'There is nothing to undo in this session.')
    open.doc.undo(token)
    await open.rewrite()
    await open.keepUndo()
    void this.sessions.changed()
    const change = open.index.rebuild()
    open.index.setTokens(await this.deltas.counts.count(change.upserted.map((id) => ({ id, text: () => open.index.countedText(id) }))))
    return this.deltas.changed(change)
  }

  /** Forgets what could be undone in this session (and the pruned lines kept beside its file). */
  async emptyUndo(): Promise<SessionDelta> {
    await this.open.emptyUndo()
    return this.deltas.changed(noChange)
  }

  // --- Switching: a whole view. ---

  /** A new, empty session working in `cwd` (checked), or else in the last project folder used. */
  async newSession(cwd?: string): Promise<SessionView> {
    const folder = cwd === undefined ? undefined : await checkWorkingFolder(cwd)
    return this.switchTo(await this.blank([], folder))
  }

  async openFile(path: string): Promise<SessionView> {
    return this.switchTo(await OpenSession.read(path, this.tokensOf, this.open))
  }

  /** A new session with the root→node path; its header names this one. The new session is opened. */
  async fork(nodeId: string): Promise<SessionView> {
    this.nodeExists(nodeId)
    const { id, path } = await this.folder.newSessionPath()
    const doc = this.open.doc.fork(nodeId, { parentSessionPath: this.open.path, newId: id })
    return this.switchTo(await OpenSession.create(path, doc, nodeId, this.tokensOf))
  }

  async delete(path: string): Promise<SessionSummary[]> {
    if (path === this.open.path && !this.open.hasFile) {
      await this.newSession()
      return this.list()
    }
    if (path === this.open.path) {
      await this.sessions.deleteOpen(path)
      await this.newSession()
    } else await this.sessions.deleteOther(path)
    const sessions = await this.list()
    this.emit({ type: 'sessions.changed', sessions })
    return sessions
  }

  list(): Promise<SessionSummary[]> {
    return this.sessions.list()
  }

  /** Another model (or none): counts are counted again with it, in the background. */
  modelChanged(): void {
    this.deltas.modelChanged()
  }

  private async switchTo(open: OpenSession): Promise<SessionView> {
    const previous = this.open
    this.deltas.counts.reset()
    this.adopt(open)
    if (previous !== open) await previous.close()
    void this.sessions.changed()
    const view = await this.view()
    this.emit({ type: 'session.opened', session: view })
    this.deltas.countInBackground()
    return view
  }

  private adopt(open: OpenSession): void {
    this.open = open
    open.source = this.pi?.contains(open.path) ? 'pi' : undefined
    this.projects.note(open.header.cwd)
    // Pi appending to the open file: its entries appear in every UI as they come.
    open.follow(
      (change) => {
        if (this.open !== open) return
        this.deltas.changed(change)
        void this.sessions.changed()
        this.deltas.countInBackground()
      },
      (message) => {
        if (this.open !== open) return
        open.warnings.push(message)
        this.deltas.changed({ upserted: [], removed: [], state: true })
      },
    )
    this.deltas.adopt(open)
  }

  /** Another writer (the API recorder) changed a file of the folder: every UI gets the new list. */
  filesChanged(): void {
    void this.sessions.changed()
  }
}
