import type { ArborEvent } from '../../../shared/contract'
import { ArborFailure, fail, ok, type Result } from '../../../shared/errors'
import type { SessionSummary } from '../../../shared/treeView'
import type { OpenSession } from './OpenSession'
import type { PiSessions } from './PiSessions'
import { writePruned } from './prunedSidecar'
import { SessionFile } from './SessionFile'
import { SessionLock } from './SessionLock'
import type { SessionListing, SessionsFolder } from './SessionsFolder'

/**
 * The sessions the sidebar lists: Arbor's folder and Pi's, the open one described from memory. Every UI hears a
 * new list after a change, at most a few times a second while a session grows.
 */
export class SessionsList {
  private timer: NodeJS.Timeout | null = null
  private closed = false

  constructor(
    private readonly folder: SessionsFolder,
    /** Pi's sessions folder, listed beside Arbor's; null lists none. */
    private readonly pi: PiSessions | null,
    private readonly emit: (event: ArborEvent) => void,
    private readonly current: () => OpenSession,
  ) {}

  async list(): Promise<SessionSummary[]> {
    const open = this.current()
    // The open session is described from memory: rescanning its file after every append would read a large
    // session again and again while the user chats.
    const listed: (SessionListing & { project?: string })[] = await this.folder.list({ except: open.path })
    if (this.pi) listed.push(...(await this.pi.list({ except: open.path }).catch(() => [])))
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
    sessions.push(open.summary())
    return sessions.sort((a, b) => b.updatedAt - a.updatedAt)
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

  /** Deletes a session file that is not the open one (and the pruned lines kept beside it); not while another Arbor has it open. */
  async deleteOther(path: string): Promise<void> {
    const lock = await SessionLock.acquire(path)
    try {
      await this.folder.delete(path)
      await writePruned(path, []).catch(() => undefined)
    } finally {
      await lock.release()
    }
  }

  /** Deletes the open session's file; the caller opens another. */
  async deleteOpen(path: string): Promise<void> {
    await this.folder.delete(path)
    await writePruned(path, []).catch(() => undefined)
  }

  /** The sidebar's names, counts and times follow appends, at most a few times a second. */
  schedule(): void {
    if (this.timer || this.closed) return
    this.timer = setTimeout(() => {
      this.timer = null
      void this.changed()
    }, 300)
    this.timer.unref()
  }

  /** Every UI gets the list as it is now. */
  async changed(): Promise<void> {
    if (this.closed) return
    this.emit({ type: 'sessions.changed', sessions: await this.list().catch(() => []) })
  }

  /** No list is sent after this (a refresh due would create the folder again, a test's being deleted included). */
  close(): void {
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }
}
