import { ArborFailure } from '../errors'
import { carryForkState } from './carryForkState'
import { isArborCustom } from './isArborCustom'
import { newEntryId } from './newEntryId'
import { parseSession } from './parseSession'
import { fromPrunedLines, toPrunedLines, type PrunedLines } from './prunedLines'
import { pruneRecords, type PruneUndo } from './pruneRecords'
import { resolveLabels } from './resolveLabels'
import { restorePruned } from './restorePruned'
import {
  CURRENT_SESSION_VERSION,
  type NewSessionEntry,
  type SessionEntry,
  type SessionHeader,
  type SessionRecord,
  type SessionVersion,
  type SessionWarning,
} from './sessionTypes'
import { summarizeTree, type SessionTreeInfo } from './summarizeTree'
import { targetOf } from './targetOf'

type Held = SessionRecord & { seq: number }

export type CreateSessionOptions = {
  /** The session's UUID. Defaults to a random one. */
  id?: string
  /** Working directory recorded in the header. */
  cwd: string
  /** Path of the session this one was forked from. Defaults to none. */
  parentSession?: string
  /** ISO time of the header. Defaults to now. */
  timestamp?: string
}

export type ForkOptions = {
  /** Path of the session file being forked, recorded as the new header's `parentSession`. */
  parentSessionPath: string
  /** The new session's UUID. Defaults to a random one. */
  newId?: string
  /** Working directory of the new session. Defaults to this session's. */
  cwd?: string
}

export type { PrunedLines } from './prunedLines'

export type PruneResult = {
  /** Hand it to `undo` to put everything back. */
  token: string
  /** Every entry removed: the subtree, then the labels and Arbor entries that targeted it. */
  removedIds: string[]
}

export type SessionDocumentInfo = SessionTreeInfo & {
  /** The version the file was written in; undefined for a document created in memory. */
  versionRead?: SessionVersion
  leafId: string | null
  labels: Record<string, string>
  name?: string
}

/**
 * A session's conversation tree in memory. Unchanged entries keep the line they were read from, so
 * `serialize` writes them back byte for byte (unknown entry types and fields included). Entries are to be
 * treated as immutable: the tree changes only through `append`, `prune` and `undo`.
 */
export class SessionDocument {
  private held: Held[]
  private readonly byId = new Map<string, Held>()
  /** Every id this document has held: never reused, so that `undo` can always put an entry back. */
  private readonly used = new Set<string>()
  private childIndex: Map<string | null, Held[]> | null = null
  private entryList: SessionEntry[] | null = null
  private readonly undoable = new Map<string, PruneUndo<Held>>()
  private nextSeq = 0
  private nextToken = 1
  private dirty: boolean

  private constructor(
    private readonly headerValue: SessionHeader,
    private headerRaw: string | undefined,
    records: SessionRecord[],
    /** The version the file was written in; undefined for a document created in memory. */
    readonly versionRead: SessionVersion | undefined,
    dirty: boolean,
  ) {
    this.held = records.map((r) => ({ ...r, seq: this.nextSeq++ }))
    for (const record of this.held) {
      this.byId.set(record.entry.id, record)
      this.used.add(record.entry.id)
    }
    this.dirty = dirty
  }

  /** Reads a session file's text (see `parseSession` for the repairs). Throws `SESSION_INVALID`. */
  static parse(text: string): { doc: SessionDocument; warnings: SessionWarning[]; versionRead: SessionVersion } {
    const parsed = parseSession(text)
    const doc = new SessionDocument(parsed.header, parsed.headerRaw, parsed.records, parsed.versionRead, parsed.needsRewrite)
    return { doc, warnings: parsed.warnings, versionRead: parsed.versionRead }
  }

  /** A new, empty version 3 session. */
  static create(options: CreateSessionOptions): SessionDocument {
    const header: SessionHeader = {
      type: 'session',
      version: CURRENT_SESSION_VERSION,
      id: options.id ?? globalThis.crypto.randomUUID(),
      timestamp: options.timestamp ?? new Date().toISOString(),
      cwd: options.cwd,
    }
    if (options.parentSession !== undefined) header.parentSession = options.parentSession
    return new SessionDocument(header, undefined, [], undefined, true)
  }

  get header(): Readonly<SessionHeader> {
    return this.headerValue
  }

  /** All entries in file order: a snapshot, replaced by a new array after each change. */
  get entries(): readonly SessionEntry[] {
    this.entryList ??= this.held.map((r) => r.entry)
    return this.entryList
  }

  /** How many entries there are, without building the `entries` snapshot. */
  get size(): number {
    return this.held.length
  }

  /** The last entry in file order, without building the `entries` snapshot. */
  get last(): SessionEntry | undefined {
    return this.held[this.held.length - 1]?.entry
  }

  get(id: string): SessionEntry | undefined {
    return this.byId.get(id)?.entry
  }

  /** The entries whose parent is `parentId` (the roots for null), in file order. */
  children(parentId: string | null): SessionEntry[] {
    if (!this.childIndex) {
      this.childIndex = new Map()
      for (const record of this.held) this.childrenList(record.entry.parentId).push(record)
    }
    return (this.childIndex.get(parentId) ?? []).map((r) => r.entry)
  }

  /**
   * The current position as Pi defines it when it opens a file: the last entry in the file (null when there
   * is none). Appending anything, even a label, moves it; Pi then continues the path that ends there.
   */
  get leafId(): string | null {
    return this.held[this.held.length - 1]?.entry.id ?? null
  }

  /** Every entry from the root to `id`, all types included; empty for null. Throws `NODE_NOT_FOUND`. */
  pathTo(id: string | null): SessionEntry[] {
    if (id === null) return []
    const path: SessionEntry[] = []
    let current = this.need(id).entry
    for (;;) {
      path.push(current)
      if (current.parentId === null) break
      const parent = this.byId.get(current.parentId)
      if (!parent || path.length > this.held.length) break
      current = parent.entry
    }
    return path.reverse()
  }

  /**
   * Adds an entry under `parentId` (null makes a root) with a fresh 8-hex id and, unless given, the time now.
   * `line` is the JSON line to append to the file (without the newline). Throws `NODE_NOT_FOUND` for an
   * unknown parent or label target.
   * @param parentId Defaults to `leafId`, as Pi appends.
   */
  append(entry: NewSessionEntry, parentId: string | null = this.leafId): { entry: SessionEntry; line: string } {
    if (parentId !== null) this.need(parentId)
    if (entry.type === 'label') this.need(entry.targetId)
    const { type, timestamp, ...fields } = entry
    const full = { type, id: newEntryId(this.used), parentId, timestamp: timestamp ?? new Date().toISOString(), ...fields } as SessionEntry
    const line = JSON.stringify(full)
    const record: Held = { entry: full, raw: line, line: undefined, seq: this.nextSeq++ }
    this.held.push(record)
    this.byId.set(full.id, record)
    this.used.add(full.id)
    if (this.childIndex) this.childrenList(parentId).push(record)
    this.entryList = null
    return { entry: full, line }
  }

  /**
   * Takes in lines another program (Pi) appended to the file, as they are: each must be an entry with a new id
   * whose parent is known. Returns the entries, in order. Throws `SESSION_CHANGED_ON_DISK` (and takes in none)
   * when one is not such an entry: the file changed in a way that appending cannot explain.
   */
  adoptLines(lines: readonly string[]): SessionEntry[] {
    const known = (id: string) => this.byId.has(id) || adopted.some((e) => e.id === id)
    const adopted: SessionEntry[] = []
    for (const line of lines) {
      let entry: unknown
      try {
        entry = JSON.parse(line)
      } catch {
        entry = null
      }
      const e = entry as { type?: unknown; id?: unknown; parentId?: unknown } | null
      const fits = typeof e === 'object' && e !== null && typeof e.type === 'string' && e.type !== 'session' && typeof e.id === 'string' && !known(e.id)
      if (!fits || !(e.parentId === null || (typeof e.parentId === 'string' && known(e.parentId)))) {
        throw new ArborFailure('SESSION_CHANGED_ON_DISK', 'Another program changed this session file in a way Arbor cannot merge; open it again to see its changes.')
      }
      adopted.push(entry as SessionEntry)
    }
    adopted.forEach((entry, i) => {
      const record: Held = { entry, raw: lines[i], line: undefined, seq: this.nextSeq++ }
      this.held.push(record)
      this.byId.set(entry.id, record)
      this.used.add(entry.id)
      if (this.childIndex) this.childrenList(entry.parentId).push(record)
    })
    if (adopted.length) this.entryList = null
    return adopted
  }

  /** Each labelled entry's label: the latest label entry for it wins, and an empty one clears it. */
  labels(): Map<string, string> {
    return resolveLabels(this.entries, (id) => this.byId.has(id))
  }

  /** Moves the session to another working folder (the header's `cwd`); the file must then be rewritten. */
  setCwd(cwd: string): void {
    this.headerValue.cwd = cwd
    this.headerRaw = undefined
    this.changed()
  }

  /** The session's name: the latest `session_info` entry's; an empty or missing name clears it, as in Pi. */
  name(): string | undefined {
    for (let i = this.held.length - 1; i >= 0; i--) {
      const entry = this.held[i]!.entry
      if (entry.type === 'session_info') return (typeof entry.name === 'string' && entry.name.trim()) || undefined
    }
    return undefined
  }

  /** Arbor's state: for each `customType` starting with `arbor.`, the `data` of the latest such entry. */
  arborState(): Map<string, unknown> {
    const state = new Map<string, unknown>()
    for (const { entry } of this.held) if (entry.type === 'custom' && isArborCustom(entry)) state.set(entry.customType, entry.data)
    return state
  }

  /** For one Arbor `customType` whose entries name a `targetId` (e.g. `arbor.turn`): the latest data per target. */
  arborStateByTarget(customType: string): Map<string, unknown> {
    const state = new Map<string, unknown>()
    for (const { entry } of this.held) {
      if (entry.type !== 'custom' || entry.customType !== customType) continue
      const target = targetOf(entry)
      if (target !== undefined) state.set(target, entry.data)
    }
    return state
  }

  /**
   * Removes `id` and everything under it, with the labels and Arbor `custom` entries that target a removed
   * entry (their own children, if any, move up to their parent). The file must then be rewritten.
   * Throws `NODE_NOT_FOUND`.
   */
  prune(id: string): PruneResult {
    this.need(id)
    const { kept, undo } = pruneRecords(this.held, this.byId, id)
    this.held = kept
    for (const record of undo.removed) this.byId.delete(record.entry.id)
    const token = `prune-${this.nextToken++}`
    this.undoable.set(token, undo)
    this.changed()
    return { token, removedIds: undo.removed.map((r) => r.entry.id) }
  }

  /** Puts back what `prune` removed, in its original place and order. Throws `NOTHING_TO_UNDO` for a used or unknown token. */
  undo(token: string): void {
    const undo = this.undoable.get(token)
    if (!undo) throw new ArborFailure('NOTHING_TO_UNDO', 'That removal was already undone, or it never happened.')
    const restoring = new Set(undo.removed.map((r) => r.entry.id))
    for (const { entry } of undo.removed)
      if (entry.parentId !== null && !this.byId.has(entry.parentId) && !restoring.has(entry.parentId))
        throw new ArborFailure('NODE_NOT_FOUND', `The branch cannot come back: its parent ${entry.parentId} was removed since. Undo that first.`)
    this.undoable.delete(token)
    this.held = restorePruned(this.held, undo)
    for (const record of undo.removed) this.byId.set(record.entry.id, record)
    this.changed()
  }

  /** What undoing `token` puts back, as lines (see `PrunedLines`); undefined for a used or unknown token. */
  prunedLines(token: string): PrunedLines | undefined {
    const undo = this.undoable.get(token)
    return undo ? toPrunedLines(undo, this.held) : undefined
  }

  /**
   * Makes a prune kept beside the file undoable in this document; returns its token. Null when the file has
   * changed so that it no longer fits (an id it would bring back is in use, or an entry it moved is gone).
   */
  adoptPruned(lines: PrunedLines): string | null {
    const undo = fromPrunedLines(lines, this.byId) as PruneUndo<Held> | null
    if (!undo) return null
    for (const record of undo.removed) this.used.add(record.entry.id)
    const token = `prune-${this.nextToken++}`
    this.undoable.set(token, undo)
    return token
  }

  /** Forgets what `token` could undo. */
  forgetPrune(token: string): void {
    this.undoable.delete(token)
  }

  /**
   * A new session holding the entries from the root to `id`, their lines copied as they are, then the labels
   * and Arbor state that belong to that path (see `carryForkState`). Throws `NODE_NOT_FOUND`.
   */
  fork(id: string, options: ForkOptions): SessionDocument {
    const path = this.pathTo(id)
    const { header } = SessionDocument.create({ id: options.newId, cwd: options.cwd ?? this.headerValue.cwd, parentSession: options.parentSessionPath })
    const lines = [JSON.stringify(header), ...path.map((e) => this.lineOf(e.id))]
    const { doc } = SessionDocument.parse(`${lines.join('\n')}\n`)
    carryForkState(this, doc)
    return doc
  }

  /** The line `serialize` writes for an entry: the line it was read from while unchanged. Throws `NODE_NOT_FOUND`. */
  lineOf(id: string): string {
    const record = this.need(id)
    record.raw ??= JSON.stringify(record.entry)
    return record.raw
  }

  /** The whole file: the header and every entry, one line each, unchanged lines exactly as read. */
  serialize(): string {
    this.headerRaw ??= JSON.stringify(this.headerValue)
    const lines = new Array<string>(this.held.length + 1)
    lines[0] = this.headerRaw
    this.held.forEach((record, i) => {
      lines[i + 1] = record.raw ??= JSON.stringify(record.entry)
    })
    return `${lines.join('\n')}\n`
  }

  /** Facts for `arbor session info`. */
  info(): SessionDocumentInfo {
    const info: SessionDocumentInfo = {
      ...summarizeTree(this.entries),
      leafId: this.leafId,
      labels: Object.fromEntries(this.labels()),
    }
    if (this.versionRead !== undefined) info.versionRead = this.versionRead
    const name = this.name()
    if (name !== undefined) info.name = name
    return info
  }

  /** Whether the file on disk no longer matches (after a migration, a repair, a prune or a failed write). */
  get needsRewrite(): boolean {
    return this.dirty
  }

  /** Marks the file on disk as stale: the next write must rewrite it whole. */
  markNeedsRewrite(): void {
    this.dirty = true
  }

  /** Records that the file on disk now holds exactly `serialize()`. */
  markRewritten(): void {
    this.dirty = false
  }

  private need(id: string): Held {
    const record = this.byId.get(id)
    if (!record) throw new ArborFailure('NODE_NOT_FOUND', `There is no entry ${id} in this session.`)
    return record
  }

  private childrenList(parentId: string | null): Held[] {
    const index = this.childIndex!
    let list = index.get(parentId)
    if (!list) index.set(parentId, (list = []))
    return list
  }

  private changed(): void {
    this.childIndex = null
    this.entryList = null
    this.dirty = true
  }
}
