import { randomBytes } from 'node:crypto'
import { readFileSync, unlinkSync } from 'node:fs'
import { readFile, unlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { basename, dirname, join } from 'node:path'
import { ArborFailure } from '../../../shared/errors'

type LockOwner = { pid: number; host: string; token: string; since: string }

/** Locks this process holds, released at exit even when nobody closes them (a crash leaves a stale one, taken over). */
const held = new Map<string, string>()
let exitHookInstalled = false

const lockPathOf = (sessionPath: string) => join(dirname(sessionPath), `.${basename(sessionPath)}.lock`)

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.on('exit', () => {
    for (const [path, token] of held) {
      try {
        if (readFileSync(path, 'utf8').includes(token)) unlinkSync(path)
      } catch {
        // Gone already.
      }
    }
  })
}

/** Whether the process that wrote the lock still runs (on this machine; one on another is taken to run). */
function ownerAlive(owner: LockOwner): boolean {
  if (owner.host !== os.hostname()) return true
  if (owner.pid === process.pid) return true
  try {
    process.kill(owner.pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

const parseOwner = (text: string): LockOwner | null => {
  try {
    const value = JSON.parse(text) as Partial<LockOwner>
    return typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.token === 'string' ? (value as LockOwner) : null
  } catch {
    return null
  }
}

/**
 * An advisory lock on a session file, so that two Arbor processes never write one session (a prune in one would
 * rewrite the file from its memory and drop what the other appended). The lock is a file beside the session,
 * `.<name>.jsonl.lock`, created exclusively, holding the owner's pid and host; a lock whose process is gone (a
 * crash) is taken over. Pi does not know it: its writes are the context issue's on-disk check.
 */
export class SessionLock {
  private released = false

  private constructor(
    readonly sessionPath: string,
    private readonly path: string,
    private readonly token: string,
  ) {}

  /** Takes the lock of `sessionPath`. Throws `SESSION_LOCKED` naming the process that holds it. */
  static async acquire(sessionPath: string): Promise<SessionLock> {
    const path = lockPathOf(sessionPath)
    const ownToken = held.get(path)
    if (ownToken) throw locked(sessionPath, { pid: process.pid, host: os.hostname(), token: ownToken, since: '' })
    const token = randomBytes(12).toString('hex')
    const owner: LockOwner = { pid: process.pid, host: os.hostname(), token, since: new Date().toISOString() }
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await writeFile(path, `${JSON.stringify(owner)}\n`, { flag: 'wx', mode: 0o600 })
        installExitHook()
        held.set(path, token)
        return new SessionLock(sessionPath, path, token)
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code
        // A folder Arbor may not write to: no lock, but also nothing to protect from another writer here.
        if (code !== 'EEXIST') throw new ArborFailure('SESSION_WRITE_FAILED', `Could not lock ${sessionPath}: ${(error as Error).message}`, { path: sessionPath })
        const current = parseOwner(await readFile(path, 'utf8').catch(() => ''))
        if (current && ownerAlive(current)) throw locked(sessionPath, current)
        // Left by a process that is gone (or half written): take it over.
        await unlink(path).catch(() => undefined)
      }
    }
    throw new ArborFailure('SESSION_LOCKED', `${sessionPath} is being opened by another Arbor at this moment; try again.`, { path: sessionPath })
  }

  /** Gives the lock up (only if it is still ours). */
  async release(): Promise<void> {
    if (this.released) return
    this.released = true
    held.delete(this.path)
    const current = parseOwner(await readFile(this.path, 'utf8').catch(() => ''))
    if (current?.token === this.token) await unlink(this.path).catch(() => undefined)
  }
}

function locked(sessionPath: string, owner: LockOwner): ArborFailure {
  const who = owner.pid === process.pid && owner.host === os.hostname() ? 'this Arbor already' : `another Arbor (process ${owner.pid} on ${owner.host})`
  return new ArborFailure('SESSION_LOCKED', `${basename(sessionPath)} is open in ${who}. Close it there first, or fork it there.`, { path: sessionPath })
}
