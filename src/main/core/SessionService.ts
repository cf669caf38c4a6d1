import type { ArborEvent } from '../../shared/contract'
import { ArborFailure, fail, ok, type Result } from '../../shared/errors'
import { SessionDocument } from '../../shared/session/SessionDocument'
import type { NewSessionEntry } from '../../shared/session/sessionTypes'
import { nearestNode, nodeKindOf } from '../../shared/tree/treeNodes'
import type { SessionPosition, SessionSummary, SessionView } from '../../shared/treeView'
import type { ToolForModel } from '../../shared/extensions/toolTokenCost'
import type { ModelRuntime } from './engine/ModelRuntime'
import { buildComposition, buildSessionView, sessionState } from './buildSessionView'
import { SessionFile } from './sessions/SessionFile'
import type { SessionsFolder } from './sessions/SessionsFolder'

/** Tiny on purpose: every token of it is paid on every turn. */
export const DEFAULT_SYSTEM_PROMPT = 'You are a helpful assistant. Answer clearly and briefly.'

/** The open session: its document, its file (created at the first write), and Arbor's position in it. */
export type OpenSession = {
  doc: SessionDocument
  path: string
  file: SessionFile | null
  warnings: string[]
  /** The current position (a node id), or null at the root. */
  position: string | null
  /** Prune tokens, newest last: undo works until the session is closed. */
  undo: string[]
}

/**
 * The open session and the tree operations on it. Every change is on disk (appended and
 * flushed, or rewritten atomically) before the promise resolves and the UI hears of it.
 */
export class SessionService {
  private open: OpenSession
  private readonly tokenCache = new Map<string, number>()
  /** The tools offered to the model with every prompt, for the context's composition. Defaults to none. */
  offeredTools: () => readonly ToolForModel[] = () => []
  private listTimer: NodeJS.Timeout | null = null

  private constructor(
    private readonly folder: SessionsFolder,
    private readonly emit: (event: ArborEvent) => void,
    private readonly runtime: () => ModelRuntime | null,
    private readonly cwd: string,
    first: OpenSession,
  ) {
    this.open = first
  }

  /** Opens the most recently changed session of the folder, or starts a new one. */
  static async create(folder: SessionsFolder, emit: (event: ArborEvent) => void, runtime: () => ModelRuntime | null, cwd: string): Promise<SessionService> {
    const latest = (await folder.list()).find((s) => !s.error)
    const first = latest ? await SessionService.read(latest.path).catch(() => null) : null
    return new SessionService(folder, emit, runtime, cwd, first ?? (await SessionService.blank(folder, cwd)))
  }

  private static async blank(folder: SessionsFolder, cwd: string): Promise<OpenSession> {
    const { id, path } = await folder.newSessionPath()
    return { doc: SessionDocument.create({ id, cwd }), path, file: null, warnings: [], position: null, undo: [] }
  }

  private static async read(path: string): Promise<OpenSession> {
    const { file, doc, warnings } = await SessionFile.open(path)
    const byId = new Map(doc.entries.map((e) => [e.id, e]))
    const text = warnings.map((w) => w.message)
    return { doc, path, file, warnings: text, position: nearestNode(byId, doc.leafId), undo: [] }
  }

  get folderPath(): string {
    return this.folder.path
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

  get session(): OpenSession {
    return this.open
  }

  /** Token counts are per model: forget them when the model changes. */
  modelChanged(): void {
    this.tokenCache.clear()
    this.changed()
  }

  view(): SessionView {
    return buildSessionView(this.open, this.runtime(), this.tokenCache, DEFAULT_SYSTEM_PROMPT, this.offeredTools())
  }

  /** Tells every UI the session changed; returns the view it sent (pass one already built). */
  changed(session: SessionView = this.view()): SessionView {
    this.emit({ type: 'session.changed', session })
    return session
  }

  /** The system prompt of the open session, without building the whole view. */
  systemPrompt(): string {
    return sessionState(this.open.doc).systemPrompt ?? DEFAULT_SYSTEM_PROMPT
  }

  async list(): Promise<SessionSummary[]> {
    // The open session is described from memory: rescanning its file after every append would
    // read a large session again and again while the user chats.
    const listed = await this.folder.list({ except: this.open.path })
    const sessions: SessionSummary[] = listed.map((s) => ({
      id: s.id,
      path: s.path,
      name: s.name ?? null,
      updatedAt: s.updatedAt,
      nodeCount: s.nodeCount,
      firstMessage: s.firstMessage || null,
    }))
    sessions.push(this.view().summary)
    return sessions.sort((a, b) => b.updatedAt - a.updatedAt)
  }

  /** The sidebar's names, counts and times follow appends, at most a few times a second. */
  private scheduleList(): void {
    if (this.listTimer) return
    this.listTimer = setTimeout(() => {
      this.listTimer = null
      void this.listChanged()
    }, 300)
    this.listTimer.unref()
  }

  private async listChanged(): Promise<void> {
    this.emit({ type: 'sessions.changed', sessions: await this.list() })
  }

  async newSession(): Promise<SessionView> {
    this.open = await SessionService.blank(this.folder, this.cwd)
    this.tokenCache.clear()
    void this.listChanged()
    return this.changed()
  }

  async openFile(path: string): Promise<SessionView> {
    this.open = await SessionService.read(path)
    this.tokenCache.clear()
    void this.listChanged()
    return this.changed()
  }

  async delete(path: string): Promise<SessionSummary[]> {
    if (path === this.open.path && !this.open.file) {
      await this.newSession()
      return this.list()
    }
    await this.folder.delete(path)
    if (path === this.open.path) await this.newSession()
    const sessions = await this.list()
    this.emit({ type: 'sessions.changed', sessions })
    return sessions
  }

  /** Appends one entry and waits until it is on disk (the file is created at the first write). */
  async append(entry: NewSessionEntry, parentId: string | null): Promise<string> {
    const open = this.open
    const { entry: added, line } = open.doc.append(entry, parentId)
    if (!open.file) open.file = await SessionFile.create(open.path, open.doc)
    else await open.file.append(line)
    this.scheduleList()
    return added.id
  }

  /** Bookkeeping (labels, Arbor state, names) hangs under the current position, as Pi appends at its leaf. */
  private appendState(entry: NewSessionEntry): Promise<string> {
    const { position, doc } = this.open
    return this.append(entry, position ?? doc.leafId)
  }

  nodeExists(nodeId: string): void {
    const entry = this.open.doc.get(nodeId)
    if (!entry || nodeKindOf(entry) === null)
      throw new ArborFailure('NODE_NOT_FOUND', `There is no message ${nodeId} in this session.`)
  }

  select(nodeId: string | null): SessionPosition {
    if (nodeId !== null) this.nodeExists(nodeId)
    this.open.position = nodeId
    const position = this.position()
    this.emit({ type: 'session.position', position })
    return position
  }

  /** The current position and what its context costs, without building the whole view. */
  position(): SessionPosition {
    const { doc, position } = this.open
    return { sessionId: doc.header.id, leafId: position, composition: buildComposition(this.open, this.runtime(), this.tokenCache, DEFAULT_SYSTEM_PROMPT, this.offeredTools()) }
  }

  async rename(name: string): Promise<SessionView> {
    await this.appendState({ type: 'session_info', name })
    void this.listChanged()
    return this.changed()
  }

  async label(nodeId: string, label: string | null): Promise<SessionView> {
    this.nodeExists(nodeId)
    await this.appendState({ type: 'label', targetId: nodeId, label: label ?? undefined })
    return this.changed()
  }

  async favourite(leafId: string | null): Promise<SessionView> {
    if (leafId !== null) this.nodeExists(leafId)
    await this.appendState({ type: 'custom', customType: 'arbor.favourite', data: { leafId } })
    return this.changed()
  }

  async collapse(nodeId: string, collapsed: boolean): Promise<SessionView> {
    this.nodeExists(nodeId)
    const ids = new Set(sessionState(this.open.doc).collapsed)
    if (collapsed) ids.add(nodeId)
    else ids.delete(nodeId)
    await this.appendState({ type: 'custom', customType: 'arbor.collapsed', data: { ids: [...ids] } })
    return this.changed()
  }

  async setSystemPrompt(prompt: string): Promise<SessionView> {
    await this.appendState({ type: 'custom', customType: 'arbor.system', data: { prompt } })
    return this.changed()
  }

  async prune(nodeId: string): Promise<SessionView> {
    this.nodeExists(nodeId)
    const open = this.open
    const parentId = open.doc.get(nodeId)?.parentId ?? null
    const { token, removedIds } = open.doc.prune(nodeId)
    open.undo.push(token)
    // A position inside the pruned subtree moves up to the pruned node's parent.
    if (open.position !== null && removedIds.includes(open.position))
      open.position = nearestNode(new Map(open.doc.entries.map((e) => [e.id, e])), parentId)
    await open.file?.rewrite()
    void this.listChanged()
    return this.changed()
  }

  async undo(): Promise<SessionView> {
    const open = this.open
    const token = open.undo.pop()
    if (!token) throw new ArborFailure('NOTHING_TO_UNDO', 'There is nothing to undo in this session.')
    open.doc.undo(token)
    await open.file?.rewrite()
    void this.listChanged()
    return this.changed()
  }

  /** A new session with the root→node path; its header names this one. The new session is opened. */
  async fork(nodeId: string): Promise<SessionView> {
    this.nodeExists(nodeId)
    const { id, path } = await this.folder.newSessionPath()
    const doc = this.open.doc.fork(nodeId, { parentSessionPath: this.open.path, newId: id })
    const file = await SessionFile.create(path, doc)
    this.open = { doc, path, file, warnings: [], position: nodeId, undo: [] }
    this.tokenCache.clear()
    void this.listChanged()
    return this.changed()
  }
}
