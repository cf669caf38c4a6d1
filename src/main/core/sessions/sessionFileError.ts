import { ArborFailure } from '../../../shared/errors'

/**
 * The largest session file Arbor opens or lists: parsing one holds the event loop about a second per 50 MB here, and
 * past ~500 MB a file no longer fits in one string. Real sessions are a few MB; Pi's largest fixture is 2.4 MB.
 */
export const MAX_SESSION_BYTES = 128 * 1024 * 1024

export function sessionTooLarge(path: string, bytes: number): ArborFailure {
  return new ArborFailure(
    'FILE_TOO_LARGE',
    `${path} is too large to open (${bytes.toLocaleString('en-US')} bytes; Arbor opens sessions up to ${MAX_SESSION_BYTES.toLocaleString('en-US')}).`,
    { bytes, limitBytes: MAX_SESSION_BYTES },
  )
}

/** Maps a file-system error while reading or writing the session file at `path` to a stable Arbor error. */
export function sessionFileError(error: unknown, path: string, doing: 'read' | 'write'): ArborFailure {
  if (error instanceof ArborFailure) return error
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  if (code === 'ENOENT') return new ArborFailure('FILE_NOT_FOUND', `No session file at ${path}. It may have been moved or deleted.`, { path })
  if (code === 'EISDIR') return new ArborFailure('FILE_IS_DIRECTORY', `${path} is a folder, not a session file.`, { path })
  const reason = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOSPC' ? 'the disk is full' : ((error as Error)?.message ?? String(error))
  if (doing === 'read') return new ArborFailure('FILE_UNREADABLE', `Could not read ${path}: ${reason}.`, { path })
  return new ArborFailure('SESSION_WRITE_FAILED', `Could not save to ${path}: ${reason}. The change is kept in memory and saved with the next one.`, { path })
}
