import { constants } from 'node:fs'
import { access, open, readFile, rename, rm, stat } from 'node:fs/promises'
import { writeSynced } from '../writeSynced'
import { decodeByteExact, encodeByteExact } from './byteExactText'
import { MAX_SESSION_BYTES, sessionTooLarge } from './sessionFileError'

/** The file-system steps `SessionFile` takes; tests may pass an in-memory set. Rejections carry Node's errno `code`. */
export type SessionFileOperations = {
  /** Reads the whole file as UTF-8, bytes that are not kept as escapes (`decodeByteExact`); `FILE_TOO_LARGE` past the limit. */
  readFile(path: string): Promise<string>
  /** Appends `text` to an existing file (never creates one) and resolves once the bytes are on disk (fdatasync). */
  appendDurable(path: string, text: string): Promise<void>
  /** Creates a new file (failing if one exists) holding `text`, and resolves once it is on disk (fsync). */
  createDurable(path: string, text: string): Promise<void>
  /** Replaces `to` with `from` in one step. */
  rename(from: string, to: string): Promise<void>
  /** Makes the renames inside `dir` survive a power loss (fsync of the folder); a no-op where the platform cannot. */
  syncDirectory(dir: string): Promise<void>
  /** Whether anything exists at `path`. */
  exists(path: string): Promise<boolean>
  /** Deletes a file; nothing happens when it is already gone. */
  remove(path: string): Promise<void>
  /** The file's length (bytes), or null when it is gone: how Arbor sees that another program wrote to it. */
  size(path: string): Promise<number | null>
  /** The file from `start` (a length `size` gave) to its end, decoded as `readFile` decodes. */
  readFrom(path: string, start: number): Promise<string>
}

export const nodeSessionFileOperations: SessionFileOperations = {
  // Byte for byte: bytes that are not UTF-8 survive a rewrite unchanged (see byteExactText).
  readFile: async (path) => {
    const info = await stat(path)
    if (info.isFile() && info.size > MAX_SESSION_BYTES) throw sessionTooLarge(path, info.size)
    return decodeByteExact(await readFile(path))
  },
  async appendDurable(path, text) {
    const handle = await open(path, constants.O_WRONLY | constants.O_APPEND)
    try {
      await handle.appendFile(encodeByteExact(text))
      await handle.datasync()
    } finally {
      await handle.close()
    }
  },
  createDurable: (path, text) => writeSynced(path, encodeByteExact(text), 'wx'),
  rename: (from, to) => rename(from, to),
  async syncDirectory(dir) {
    // Windows cannot open a folder for fsync; its renames are journaled by NTFS.
    if (process.platform === 'win32') return
    const handle = await open(dir, 'r')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  },
  exists: (path) => access(path).then(
    () => true,
    () => false,
  ),
  remove: (path) => rm(path, { force: true }),
  size: (path) => stat(path).then(
    (info) => info.size,
    () => null,
  ),
  async readFrom(path, start) {
    const handle = await open(path, 'r')
    try {
      const { size } = await handle.stat()
      if (size - start > MAX_SESSION_BYTES) throw sessionTooLarge(path, size)
      const buffer = Buffer.alloc(Math.max(0, size - start))
      await handle.read(buffer, 0, buffer.length, start)
      return decodeByteExact(buffer)
    } finally {
      await handle.close()
    }
  },
}
