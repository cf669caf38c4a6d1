import { randomBytes } from 'node:crypto'
import { basename, dirname, join } from 'node:path'
import { ArborFailure } from '../../../shared/errors'
import { SessionDocument } from '../../../shared/session/SessionDocument'
import type { SessionEntry, SessionVersion, SessionWarning } from '../../../shared/session/sessionTypes'
import { nodeSessionFileOperations, type SessionFileOperations } from './nodeSessionFileOperations'
import { sessionFileError } from './sessionFileError'

export type OpenedSession = {
  file: SessionFile
  doc: SessionDocument
  /** What was skipped or repaired while reading; empty for a clean file. */
  warnings: SessionWarning[]
  versionRead: SessionVersion
}

/**
 * A session file on disk, bound to its document. Writes are durable before their promise resolves and run
 * one at a time in call order:
 *
 * - `append(line)` adds one line with `O_APPEND` and `fdatasync`. A crash can at worst leave the last line
 *   torn, which the next read skips with a warning.
 * - `rewrite()` writes the whole document to a temporary file in the same folder, fsyncs it, renames it over
 *   the file and fsyncs the folder: after a crash the file is either the old or the new one.
 *
 * When the file on disk does not match the document (it was written in version 1 or 2, lines were skipped or
 * repaired, the last line has no newline, an earlier write failed, or entries were pruned), the next write is a
 * rewrite, whatever was asked: appending to such a file could leave ids on disk that differ from those in memory.
 * Opening a file never writes to it.
 */
export class SessionFile {
  private queue: Promise<void> = Promise.resolve()
  /** Lines handed to `append` and not yet written; a rewrite writes them all and clears the set. */
  private readonly pending = new Set<string>()
  /** The file's length as Arbor last read or wrote it; another length means another program wrote to it. */
  private known: number | null = null
  /** Hears the entries another program appended, once they are in the document. */
  onExternal: ((entries: SessionEntry[]) => void) | null = null

  private constructor(
    readonly path: string,
    readonly doc: SessionDocument,
    private readonly ops: SessionFileOperations,
  ) {}

  /**
   * Reads and parses a session file. Throws `ArborFailure`: `FILE_NOT_FOUND`, `FILE_IS_DIRECTORY`,
   * `FILE_UNREADABLE`, or `SESSION_INVALID` for a file that is not a session.
   * @param ops Defaults to the real file system.
   */
  static async open(path: string, ops: SessionFileOperations = nodeSessionFileOperations): Promise<OpenedSession> {
    const text = await ops.readFile(path).catch((error: unknown) => {
      throw sessionFileError(error, path, 'read')
    })
    let parsed: ReturnType<typeof SessionDocument.parse>
    try {
      parsed = SessionDocument.parse(text)
    } catch (error) {
      if (error instanceof ArborFailure) throw new ArborFailure(error.code, `${path}: ${error.message}`, { path })
      throw error
    }
    const { doc, warnings, versionRead } = parsed
    const file = new SessionFile(path, doc, ops)
    file.known = await ops.size(path)
    return { file, doc, warnings, versionRead }
  }

  /**
   * Writes `doc` as a new session file at `path` (atomically, as `rewrite` does) and binds them.
   * Throws `FILE_EXISTS` when something exists at `path` already.
   * @param ops Defaults to the real file system.
   */
  static async create(path: string, doc: SessionDocument, ops: SessionFileOperations = nodeSessionFileOperations): Promise<SessionFile> {
    if (await ops.exists(path)) throw new ArborFailure('FILE_EXISTS', `${path} exists already; Arbor will not overwrite it.`, { path })
    const file = new SessionFile(path, doc, ops)
    doc.markNeedsRewrite()
    await file.rewrite()
    return file
  }

  /**
   * Appends a line that `doc.append` returned, resolving once it is on disk. On failure the entry stays in the
   * document and the next write rewrites the file with it, except when the file is gone: then this throws
   * `FILE_NOT_FOUND` and the file is not created again.
   */
  append(line: string): Promise<void> {
    this.pending.add(line)
    return this.enqueue(async () => {
      await this.takeExternal()
      if (this.doc.needsRewrite) return this.writeWhole()
      // A rewrite since the call has written this line already.
      if (!this.pending.delete(line)) return
      try {
        await this.ops.appendDurable(this.path, `${line}\n`)
      } catch (error) {
        // A file that is gone stays gone; any other failure is repaired by rewriting with the next write.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.doc.markNeedsRewrite()
        throw sessionFileError(error, this.path, 'write')
      }
      this.known = await this.ops.size(this.path)
    })
  }

  /** Takes in what another program appended since Arbor last read or wrote the file (see `takeExternal`). */
  sync(): Promise<void> {
    return this.enqueue(() => this.takeExternal())
  }

  /**
   * Before every write: when the file grew since Arbor last touched it (Pi appended to it), the new lines are taken
   * into the document first, so that nothing is written over them; a file that shrank, was replaced or holds a
   * line Arbor cannot place is refused with `SESSION_CHANGED_ON_DISK` and left as it is. A line still being
   * written (no newline yet) waits for the next write.
   */
  private async takeExternal(): Promise<void> {
    if (this.known === null) return
    const now = await this.ops.size(this.path)
    if (now === null || now === this.known) return
    const refuse = () => new ArborFailure('SESSION_CHANGED_ON_DISK', `${this.path} was changed by another program; open it again to see its changes. Nothing was written.`, { path: this.path })
    if (now < this.known) throw refuse()
    const tail = await this.ops.readFrom(this.path, this.known)
    if (!tail.endsWith('\n')) throw refuse()
    let entries: SessionEntry[]
    try {
      entries = this.doc.adoptLines(tail.slice(0, -1).split('\n').filter((l) => l.trim() !== ''))
    } catch {
      throw refuse()
    }
    this.known = now
    if (entries.length) this.onExternal?.(entries)
  }

  /** Replaces the file with `doc.serialize()` atomically; needed after `prune` and `undo`. */
  rewrite(): Promise<void> {
    return this.enqueue(async () => {
      await this.takeExternal()
      await this.writeWhole()
    })
  }

  private async writeWhole(): Promise<void> {
    const text = this.doc.serialize()
    this.pending.clear()
    const dir = dirname(this.path)
    const temp = join(dir, `.${basename(this.path)}.${randomBytes(4).toString('hex')}.tmp`)
    try {
      await this.ops.createDurable(temp, text)
      await this.ops.rename(temp, this.path)
    } catch (error) {
      await this.ops.remove(temp).catch(() => undefined)
      this.doc.markNeedsRewrite()
      throw sessionFileError(error, this.path, 'write')
    }
    this.doc.markRewritten()
    this.known = await this.ops.size(this.path)
    await this.ops.syncDirectory(dir).catch((error: unknown) => {
      throw sessionFileError(error, dir, 'write')
    })
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(task)
    this.queue = run.catch(() => undefined)
    return run
  }
}
