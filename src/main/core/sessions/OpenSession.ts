import { watch, type FSWatcher } from 'node:fs'
import { resolve } from 'node:path'
import { SessionDocument } from '../../../shared/session/SessionDocument'
import type { NewSessionEntry, SessionEntry, SessionHeader } from '../../../shared/session/sessionTypes'
import { nearestNode } from '../../../shared/tree/treeNodes'
import type { ContextComposition, SessionFlags, SessionSummary, SessionView, TreeNode } from '../../../shared/treeView'
import { readPruned, writePruned } from './prunedSidecar'
import { SessionFile } from './SessionFile'
import { SessionIndex, type IndexChange } from './SessionIndex'
import { SessionLock } from './SessionLock'

/** Tiny on purpose: every token of it is paid on every turn. */
export const DEFAULT_SYSTEM_PROMPT = 'You are a helpful assistant. Answer clearly and briefly.'

const sameValue = (a: unknown, b: unknown): boolean => a === b || JSON.stringify(a) === JSON.stringify(b)

/**
 * One open session: its document, its file (created at the first write), the node index kept up to date with
 * every entry, Arbor's position in it and its prunes that can be undone. Knows nothing of models or events.
 */
export class OpenSession {
  /** The current position (a node id), or null at the root. */
  position: string | null
  /** Prune tokens, newest last: kept beside the file (see `keepUndo`), so undo lasts past closing. */
  readonly undo: string[] = []
  readonly index: SessionIndex

  private constructor(
    readonly doc: SessionDocument,
    readonly path: string,
    private file: SessionFile | null,
    readonly warnings: string[],
    tokensOf: (id: string) => number | null,
    /** Held from the first write (or the open) to `close`: no other Arbor writes this session meanwhile. */
    private lock: SessionLock | null,
  ) {
    this.index = new SessionIndex(doc, tokensOf)
    this.position = nearestNode(new Map(doc.entries.map((e) => [e.id, e])), doc.leafId)
  }

  static blank(path: string, id: string, cwd: string, tokensOf: (id: string) => number | null, warnings: string[] = []): OpenSession {
    return new OpenSession(SessionDocument.create({ id, cwd }), path, null, warnings, tokensOf, null)
  }

  /** Opens a session file, locked for this process. Throws `SESSION_LOCKED` when another Arbor has it open. */
  static async read(path: string, tokensOf: (id: string) => number | null, from?: OpenSession): Promise<OpenSession> {
    // Read again by the core that has it open: its lock moves to the new reading.
    const lock = from && from.lock && resolve(from.path) === resolve(path) ? from.lock : await SessionLock.acquire(path)
    if (from?.lock === lock) from.lock = null
    try {
      const { file, doc, warnings } = await SessionFile.open(path)
      const open = new OpenSession(doc, path, file, warnings.map((w) => w.message), tokensOf, lock)
      // Prunes of an earlier opening, kept beside the file: still undoable (those the file no longer fits are dropped).
      for (const pruned of await readPruned(path)) {
        const token = doc.adoptPruned(pruned)
        if (token) open.undo.push(token)
      }
      return open
    } catch (error) {
      if (from && resolve(from.path) === resolve(path)) from.lock = lock
      else await lock.release()
      throw error
    }
  }

  /** A session written whole from a document made in memory (a fork), its position at `position`. */
  static async create(path: string, doc: SessionDocument, position: string | null, tokensOf: (id: string) => number | null): Promise<OpenSession> {
    const lock = await SessionLock.acquire(path)
    try {
      const open = new OpenSession(doc, path, await SessionFile.create(path, doc), [], tokensOf, lock)
      open.position = position
      return open
    } catch (error) {
      await lock.release()
      throw error
    }
  }

  /** Lets another process open this session. Further writes are not expected. */
  /**
   * Follows the file while it is open: when another program (Pi) appends to it, the new entries are indexed and
   * `onChange` hears what changed; a change Arbor cannot merge goes to `onRefused`. Checked on every change the file
   * system reports and before every write of Arbor's own.
   */
  follow(onChange: (change: IndexChange) => void, onRefused: (message: string) => void): void {
    const attach = (file: SessionFile) => {
      file.onExternal = (entries) => {
        const change: IndexChange = { upserted: [], removed: [], state: false }
        for (const entry of entries) {
          const one = this.index.add(entry)
          change.upserted.push(...one.upserted)
          change.state ||= one.state
        }
        onChange(change)
      }
      let timer: NodeJS.Timeout | null = null
      try {
        this.watcher = watch(this.path, { persistent: false }, () => {
          if (timer) clearTimeout(timer)
          timer = setTimeout(() => void file.sync().catch((error: unknown) => onRefused((error as Error).message)), 50)
        })
        this.watcher.on('error', () => this.watcher?.close())
      } catch {
        // A file system without change events: the check before each write still merges what was appended.
      }
    }
    if (this.file) attach(this.file)
    else this.attachLater = attach
  }

  private watcher: FSWatcher | null = null
  private attachLater: ((file: SessionFile) => void) | null = null

  async close(): Promise<void> {
    this.watcher?.close()
    this.watcher = null
    const lock = this.lock
    this.lock = null
    await lock?.release()
  }

  get header(): Readonly<SessionHeader> {
    return this.doc.header
  }

  get hasFile(): boolean {
    return this.file !== null
  }

  /** Appends one entry and waits until it is on disk (the file is created at the first write). */
  async append(entry: NewSessionEntry, parentId: string | null): Promise<{ entry: SessionEntry; change: IndexChange }> {
    const { entry: added, line } = this.doc.append(entry, parentId)
    if (!this.file) {
      this.lock ??= await SessionLock.acquire(this.path)
      this.file = await SessionFile.create(this.path, this.doc)
      this.attachLater?.(this.file)
      this.attachLater = null
    } else await this.file.append(line)
    return { entry: added, change: this.index.add(added) }
  }

  /** Keeps what can be undone beside the file, so that it lasts past closing the session. */
  async keepUndo(): Promise<void> {
    if (!this.file) return
    const prunes = this.undo.flatMap((token) => this.doc.prunedLines(token) ?? [])
    await writePruned(this.path, prunes).catch(() => undefined)
  }

  /** Forgets every prune that could be undone, and their lines beside the file. */
  async emptyUndo(): Promise<void> {
    for (const token of this.undo.splice(0)) this.doc.forgetPrune(token)
    await writePruned(this.path, [])
  }

  /** Takes in what another program appended to the file (before a change that rewrites it). */
  async sync(): Promise<void> {
    await this.file?.sync()
  }

  /** Writes the whole file again (after a prune or an undo). */
  async rewrite(): Promise<void> {
    await this.file?.rewrite()
  }

  node(id: string): TreeNode | undefined {
    return this.index.get(id)
  }

  get systemPrompt(): string {
    return this.index.state.systemPrompt ?? DEFAULT_SYSTEM_PROMPT
  }

  /** `pi` for a session in Pi's folder: it is listed with its project folder. */
  source: 'pi' | undefined

  summary(): SessionSummary {
    const { doc, index, source } = this
    return {
      ...(source ? { source, project: doc.header.cwd || '' } : {}),
      id: doc.header.id,
      path: this.path,
      name: index.name ?? null,
      updatedAt: Date.parse(doc.last?.timestamp ?? doc.header.timestamp) || Date.now(),
      nodeCount: index.size,
      firstMessage: index.first('user')?.text.slice(0, 200) ?? null,
      ...(typeof doc.header.parentSession === 'string' ? { parentSession: doc.header.parentSession } : {}),
    }
  }

  /** Everything of the view besides nodes, position and composition. */
  flags(systemPromptTokens: number | null): Required<SessionFlags> {
    const state = this.index.state
    const exists = (id: string) => this.index.get(id) !== undefined
    return {
      summary: this.summary(),
      parentSession: typeof this.doc.header.parentSession === 'string' ? this.doc.header.parentSession : null,
      systemPrompt: this.systemPrompt,
      systemPromptTokens,
      favouriteLeafId: state.favouriteLeafId !== null && exists(state.favouriteLeafId) ? state.favouriteLeafId : null,
      collapsed: state.collapsed.filter(exists),
      warnings: this.index.notices.size ? [...this.warnings, ...this.index.notices] : this.warnings,
      canUndo: this.undo.length > 0,
      toolsEnabled: state.toolsEnabled,
      overflowPolicy: state.overflowPolicy,
      cwd: typeof this.doc.header.cwd === 'string' ? this.doc.header.cwd : '',
    }
  }

  /** The flags of `now` that differ from `before`. */
  static changedFlags(before: Required<SessionFlags> | null, now: Required<SessionFlags>): SessionFlags {
    const changed: SessionFlags = {}
    for (const key of Object.keys(now) as (keyof SessionFlags)[])
      if (!before || !sameValue(before[key], now[key])) (changed as Record<string, unknown>)[key] = now[key]
    return changed
  }

  view(seq: number, systemPromptTokens: number | null, composition: ContextComposition | null): SessionView {
    return { seq, ...this.flags(systemPromptTokens), nodes: this.index.list(), leafId: this.position, composition }
  }
}
