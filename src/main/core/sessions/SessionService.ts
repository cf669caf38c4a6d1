import { estimatedTokens } from '../../../shared/tree/compaction'
import type { OverflowPolicy } from '../../../shared/contextBudget'
import type { ArborEvent } from '../../../shared/contract'
import { ArborFailure, fail, ok, type Result } from '../../../shared/errors'
import type { ToolForModel } from '../../../shared/extensions/toolTokenCost'
import type { NewSessionEntry, SessionEntry, SessionHeader } from '../../../shared/session/sessionTypes'
import { contextMessages, type ContextMessage } from '../../../shared/tree/contextMessages'
import { nearestNode, nodeKindOf } from '../../../shared/tree/treeNodes'
import type { ContextComposition, SessionDelta, SessionFlags, SessionPosition, SessionSummary, SessionView, TreeNode } from '../../../shared/treeView'
import type { Engine } from '../engine'
import { CompositionCounter } from './CompositionCounter'
import type { IndexChange } from './SessionIndex'
import { OpenSession } from './OpenSession'
import { SessionFile } from './SessionFile'
import { SessionLock } from './SessionLock'
import type { SessionListing, SessionsFolder } from './SessionsFolder'
import type { PiSessions } from './PiSessions'
import { TokenCounts } from './TokenCounts'
import { checkWorkingFolder, ProjectFolders } from './projectFolders'
import { writePruned } from './prunedSidecar'

export { DEFAULT_SYSTEM_PROMPT } from './OpenSession'

const noChange: IndexChange = { upserted: [], removed: [], state: false }

/**
 * The open session and the operations on it. Every change is on disk (appended and flushed, or rewritten
 * atomically) before the promise resolves; every UI then hears what changed as one `session.changed` delta, and
 * a whole view only when another session opens. Token counts and the context's composition come after, in their
 * own deltas, from the engine.
 */
export class SessionService {
  private open: OpenSession
  private seq = 0
  private readonly counts: TokenCounts
  private readonly compositions: CompositionCounter
  private sentFlags: Required<SessionFlags> | null = null
  private composition: ContextComposition | null = null
  /** Bumped by every change: a composition computed for an older state is not sent. */
  private changes = 0
  private listTimer: NodeJS.Timeout | null = null
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
    this.counts = new TokenCounts(engine)
    this.compositions = new CompositionCounter(engine, this.counts)
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
    // A list refresh due after this would create the sessions folder again (a test's, being deleted, included).
    this.closed = true
    if (this.listTimer) clearTimeout(this.listTimer)
    this.listTimer = null
    await this.open.close()
  }

  private closed = false

  private readonly tokensOf = (id: string): number | null => this.counts.get(id)

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
    void this.listChanged()
    return this.changed({ upserted: [], removed: [], state: true })
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
  async checkFile(path: string): Promise<Result<{ path: string }>> {
    try {
      await SessionFile.open(path)
      return ok({ path })
    } catch (error) {
      if (error instanceof ArborFailure) return { ok: false, error: error.toError() }
      return fail('SESSION_INVALID', `${path} could not be read as a session: ${(error as Error)?.message ?? String(error)}`)
    }
  }

  /** The open session whole, with its composition counted (for a snapshot). */
  async view(): Promise<SessionView> {
    await this.updateComposition()
    return this.open.view(this.seq, this.sentFlags?.systemPromptTokens ?? null, this.composition)
  }

  // --- Changes: each emits one delta. ---

  /** Appends one entry and waits until it is on disk; a new node is counted with the loaded model first. */
  async append(entry: NewSessionEntry, parentId: string | null): Promise<string> {
    return (await this.appendEntry(entry, parentId)).id
  }

  private async appendEntry(entry: NewSessionEntry, parentId: string | null): Promise<{ id: string; delta: SessionDelta | null }> {
    const open = this.open
    const { entry: added, change } = await open.append(entry, parentId)
    if (nodeKindOf(added) !== null) open.index.setTokens(await this.counts.count([{ id: added.id, text: () => open.index.countedText(added.id) }]))
    this.scheduleList()
    return { id: added.id, delta: open === this.open ? this.changed(change) : null }
  }

  /** Moves the position without checks (a turn moving to what it wrote). */
  moveTo(id: string | null): SessionDelta {
    this.open.position = id
    return this.changed(noChange, { leafId: id })
  }

  /** Moves the position; the delta that says so carries what the context there costs. */
  async select(nodeId: string | null): Promise<SessionPosition> {
    if (nodeId !== null) this.nodeExists(nodeId)
    this.open.position = nodeId
    this.changes++
    await this.updateComposition(true)
    return { sessionId: this.open.header.id, leafId: this.open.position, composition: this.composition }
  }

  /** Bookkeeping (labels, Arbor state, names) hangs under the current position, as Pi appends at its leaf. */
  async appendAtPosition(entry: NewSessionEntry): Promise<SessionDelta> {
    const open = this.open
    const { delta } = await this.appendEntry(entry, open.position ?? open.doc.leafId)
    return delta ?? { sessionId: open.header.id, seq: this.seq }
  }

  async rename(name: string): Promise<SessionDelta> {
    const delta = await this.appendAtPosition({ type: 'session_info', name })
    void this.listChanged()
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
    await this.counts.count(nodes.map((e) => ({ id: e.id, text: () => open.index.countedText(e.id) })))
    return (entry) => this.counts.get(entry.id) ?? estimatedTokens(entry)
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
    void this.updateComposition()
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
    void this.listChanged()
    return this.changed(open.index.rebuild(), moved ? { leafId: open.position } : {})
  }

  async undo(): Promise<SessionDelta> {
    const open = this.open
    await open.sync()
    const token = open.undo.pop()
    if (!token) throw new ArborFailure('NOTHING_TO_UNDO', 'There is nothing to undo in this session.')
    open.doc.undo(token)
    await open.rewrite()
    await open.keepUndo()
    void this.listChanged()
    const change = open.index.rebuild()
    open.index.setTokens(await this.counts.count(change.upserted.map((id) => ({ id, text: () => open.index.countedText(id) }))))
    return this.changed(change)
  }

  /** Forgets what could be undone in this session (and the pruned lines kept beside its file). */
  async emptyUndo(): Promise<SessionDelta> {
    await this.open.emptyUndo()
    return this.changed(noChange)
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
      await this.folder.delete(path)
      await writePruned(path, []).catch(() => undefined)
      await this.newSession()
    } else {
      // Not while another Arbor has it open: its next write would find the file gone.
      const lock = await SessionLock.acquire(path)
      try {
        await this.folder.delete(path)
        await writePruned(path, []).catch(() => undefined)
      } finally {
        await lock.release()
      }
    }
    const sessions = await this.list()
    this.emit({ type: 'sessions.changed', sessions })
    return sessions
  }

  async list(): Promise<SessionSummary[]> {
    // The open session is described from memory: rescanning its file after every append would read a large
    // session again and again while the user chats.
    const listed: (SessionListing & { project?: string })[] = await this.folder.list({ except: this.open.path })
    if (this.pi) listed.push(...(await this.pi.list({ except: this.open.path }).catch(() => [])))
    const sessions: SessionSummary[] = listed.map((s) => ({
      id: s.id,
      path: s.path,
      name: s.name ?? null,
      updatedAt: s.updatedAt,
      nodeCount: s.nodeCount,
      firstMessage: s.firstMessage || null,
      ...(s.parentSession ? { parentSession: s.parentSession } : {}),
      ...(s.project !== undefined ? { source: 'pi' as const, project: s.project } : {}),
    }))
    sessions.push(this.open.summary())
    return sessions.sort((a, b) => b.updatedAt - a.updatedAt)
  }

  /** Another model (or none): counts are counted again with it, in the background. */
  modelChanged(): void {
    this.counts.reset()
    this.compositions.reset()
    const ids = this.nodes().map((n) => n.id)
    this.open.index.setTokens(new Map(ids.map((id) => [id, null])))
    this.changed(noChange, { clearTokens: true })
    this.countInBackground()
  }

  private async switchTo(open: OpenSession): Promise<SessionView> {
    const previous = this.open
    this.counts.reset()
    this.adopt(open)
    if (previous !== open) await previous.close()
    void this.listChanged()
    const view = await this.view()
    this.emit({ type: 'session.opened', session: view })
    this.countInBackground()
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
        this.changed(change)
        void this.listChanged()
        void this.countInBackground()
      },
      (message) => {
        if (this.open !== open) return
        open.warnings.push(message)
        this.changed({ upserted: [], removed: [], state: true })
      },
    )
    this.changes++
    this.sentFlags = open.flags(null)
    this.composition = null
  }

  /** Counts every node not counted yet, a batch at a time, each batch a delta. */
  private countInBackground(): void {
    const open = this.open
    const items = open.index.list().filter((n) => n.tokens === null).map((n) => ({ id: n.id, text: () => open.index.countedText(n.id) }))
    void this.counts
      .count(items, (batch) => {
        if (open !== this.open) return
        open.index.setTokens(batch)
        this.changed(noChange, { tokens: Object.fromEntries(batch) })
      })
      .catch(() => undefined)
  }

  /** Tells every UI what one change changed, then counts what its context costs now. */
  private changed(change: IndexChange, extra: Omit<Partial<SessionDelta>, 'sessionId' | 'seq'> = {}): SessionDelta {
    const open = this.open
    this.changes++
    const flags = open.flags(this.sentFlags?.systemPromptTokens ?? null)
    const delta: SessionDelta = { sessionId: open.header.id, seq: ++this.seq, ...OpenSession.changedFlags(this.sentFlags, flags), ...extra }
    this.sentFlags = flags
    const upserted = change.upserted.flatMap((id) => open.node(id) ?? [])
    if (upserted.length) delta.upserted = upserted
    if (change.removed.length) delta.removed = change.removed
    this.emit({ type: 'session.changed', delta })
    void this.updateComposition()
    return delta
  }

  /**
   * Counts the context at the position (its nodes' tokens, the system prompt's, the whole prompt's) and says what
   * changed in a delta of its own; with `withPosition` that delta carries the position too. One at a time, in order.
   */
  private updateComposition(withPosition = false): Promise<void> {
    const run = this.compositionQueue.then(() => this.sendComposition(withPosition))
    this.compositionQueue = run.catch(() => undefined)
    return run
  }

  private compositionQueue: Promise<void> = Promise.resolve()

  private async sendComposition(withPosition: boolean): Promise<void> {
    const open = this.open
    const at = this.changes
    // One position for the whole count: a move meanwhile queues a count of its own.
    const position = open.position
    const path = open.doc.pathTo(position)
    const uncounted = path.filter((e) => nodeKindOf(e) !== null && open.node(e.id)?.tokens === null)
    const found = await this.counts.count(uncounted.map((e) => ({ id: e.id, text: () => open.index.countedText(e.id) })))
    if (found.size) open.index.setTokens(found)
    const composition = await this.compositions.compute({
      sessionId: open.header.id,
      position,
      systemPrompt: open.systemPrompt,
      path,
      countedText: (id) => open.index.countedText(id),
      tools: this.offeredTools(),
    })
    const systemPromptTokens = this.engine.loaded ? await this.counts.ofText(open.systemPrompt) : null
    if (open !== this.open) return
    // A change since: it sends its own, newer composition.
    if (at !== this.changes && !withPosition && found.size === 0) return
    const flags = open.flags(systemPromptTokens)
    const changedFlags = OpenSession.changedFlags(this.sentFlags, flags)
    const compositionChanged = JSON.stringify(composition) !== JSON.stringify(this.composition)
    if (!compositionChanged && Object.keys(changedFlags).length === 0 && !withPosition && found.size === 0) return
    this.composition = composition
    this.sentFlags = flags
    const delta: SessionDelta = { sessionId: open.header.id, seq: ++this.seq, ...changedFlags, composition }
    if (withPosition) delta.leafId = position
    if (found.size) delta.tokens = Object.fromEntries(found)
    this.emit({ type: 'session.changed', delta })
  }

  /** The sidebar's names, counts and times follow appends, at most a few times a second. */
  private scheduleList(): void {
    if (this.listTimer || this.closed) return
    this.listTimer = setTimeout(() => {
      this.listTimer = null
      void this.listChanged()
    }, 300)
    this.listTimer.unref()
  }

  /** Another writer (the API recorder) changed a file of the folder: every UI gets the new list. */
  filesChanged(): void {
    void this.listChanged()
  }

  private async listChanged(): Promise<void> {
    if (this.closed) return
    this.emit({ type: 'sessions.changed', sessions: await this.list().catch(() => []) })
  }
}
