import { randomUUID } from 'node:crypto'
import { dirname, join, resolve } from 'node:path'
import { ArborFailure, type ArborError } from '../../../shared/errors'
import { scanSession, type SessionScan } from '../../../shared/session/scanSession'
import { nodeSessionsFolderOperations, type SessionsFolderOperations } from './nodeSessionsFolderOperations'
import { MAX_SESSION_BYTES, sessionFileError, sessionTooLarge } from './sessionFileError'

/** The temporary file of an interrupted `SessionFile` rewrite. */
const STALE_TEMP = /^\..+\.jsonl\.[0-9a-f]{8}\.tmp$/

export type SessionListing = {
  /** The header's session id (the file name, for a file that could not be read). */
  id: string
  path: string
  /** The latest `session_info` name. */
  name?: string
  /** The header's `parentSession`: the session it was forked from. */
  parentSession?: string
  /** The file's modification time, in ms since the epoch. */
  updatedAt: number
  /** Entries of type `message`. */
  nodeCount: number
  /** The first user message, cut to 200 characters; empty when there is none. */
  firstMessage: string
  /** Why the file could not be listed properly (a file that is not a session, or cannot be read). */
  error?: ArborError
  /** The header's working folder. */
  cwd?: string
}

/**
 * The folder of session files (`*.jsonl`). Listing reads each file but parses only what the list shows
 * (`scanSession`), and remembers the result until the file's size or time changes.
 */
export class SessionsFolder {
  private readonly cache = new Map<string, { stamp: string; scan?: SessionScan; failure?: ArborFailure }>()

  /**
   * @param ops Defaults to the real file system.
   * @param readOnly Another program's folder (Pi's): listed as it is, never created or tidied.
   */
  constructor(
    readonly path: string,
    private readonly ops: SessionsFolderOperations = nodeSessionsFolderOperations,
    private readonly readOnly = false,
  ) {}

  /**
   * Every session file, the most recently changed first. Also deletes the temporary files of rewrites that a
   * crash interrupted (`.<name>.jsonl.<hex>.tmp`, older than ten minutes).
   */
  async list(options: { except?: string } = {}): Promise<SessionListing[]> {
    if (!this.readOnly) await this.ops.ensureFolder(this.path)
    const all = await this.ops.list(this.path).catch((error: unknown) => {
      if (this.readOnly && (error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw error
    })
    if (!this.readOnly) await Promise.all(all.filter((name) => STALE_TEMP.test(name)).map((name) => this.removeIfStale(join(this.path, name))))
    const except = options.except === undefined ? undefined : resolve(options.except)
    const names = all.filter((name) => name.endsWith('.jsonl') && !name.startsWith('.') && resolve(join(this.path, name)) !== except)
    const listings = await Promise.all(names.map((name) => this.describe(join(this.path, name), name)))
    const found = listings.filter((l): l is SessionListing => l !== null)
    const paths = new Set(found.map((l) => l.path))
    for (const path of this.cache.keys()) if (!paths.has(path)) this.cache.delete(path)
    return found.sort((a, b) => b.updatedAt - a.updatedAt)
  }

  /** A fresh session id and a free path for it, named as Pi names its files: `<time>_<id>.jsonl`. */
  async newSessionPath(): Promise<{ id: string; path: string }> {
    await this.ops.ensureFolder(this.path)
    const id = randomUUID()
    return { id, path: join(this.path, `${new Date().toISOString().replace(/[:.]/g, '-')}_${id}.jsonl`) }
  }

  /**
   * Deletes a session file of this folder. Throws `BAD_REQUEST` for a path outside it or not a `.jsonl`,
   * `SESSION_NOT_FOUND` when it is already gone.
   */
  async delete(path: string): Promise<void> {
    const full = resolve(path)
    if (dirname(full) !== resolve(this.path) || !full.endsWith('.jsonl'))
      throw new ArborFailure('BAD_REQUEST', `${path} is not a session file of ${this.path}.`)
    await this.ops.remove(full).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ArborFailure('SESSION_NOT_FOUND', `No session file at ${path}.`, { path })
      throw sessionFileError(error, path, 'write')
    })
    this.cache.delete(full)
  }

  private async removeIfStale(path: string): Promise<void> {
    const info = await this.ops.fileInfo(path).catch(() => null)
    if (info && Date.now() - info.mtimeMs > 10 * 60_000) await this.ops.remove(path).catch(() => undefined)
  }

  private async describe(path: string, name: string): Promise<SessionListing | null> {
    let updatedAt = 0
    try {
      const info = await this.ops.fileInfo(path)
      if (!info) return null
      updatedAt = info.mtimeMs
      const stamp = `${info.size}:${info.mtimeMs}`
      const cached = this.cache.get(path)?.stamp === stamp ? this.cache.get(path)! : undefined
      // A file that failed is not read again until it changes.
      if (cached?.failure) throw cached.failure
      let scan = cached?.scan
      if (!scan) {
        try {
          if (info.size > MAX_SESSION_BYTES) throw sessionTooLarge(path, info.size)
          scan = scanSession(await this.ops.readFile(path))
        } catch (error) {
          const failure = error instanceof ArborFailure ? error : sessionFileError(error, path, 'read')
          if (failure.code !== 'FILE_NOT_FOUND') this.cache.set(path, { stamp, failure })
          throw failure
        }
        this.cache.set(path, { stamp, scan })
      }
      const listing: SessionListing = { id: scan.id, path, updatedAt: info.mtimeMs, nodeCount: scan.messageCount, firstMessage: scan.firstMessage }
      if (scan.name !== undefined) listing.name = scan.name
      if (scan.parentSession !== undefined) listing.parentSession = scan.parentSession
      if (scan.cwd !== undefined) listing.cwd = scan.cwd
      return listing
    } catch (error) {
      const failure = error instanceof ArborFailure ? error : sessionFileError(error, path, 'read')
      if (failure.code === 'FILE_NOT_FOUND') return null
      return { id: name.slice(0, -'.jsonl'.length), path, updatedAt, nodeCount: 0, firstMessage: '', error: failure.toError() }
    }
  }
}
