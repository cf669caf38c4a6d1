import { mkdir, readFile, readdir, stat, unlink } from 'node:fs/promises'

/** The file-system steps `SessionsFolder` takes; tests may pass an in-memory set. Rejections carry Node's errno `code`. */
export type SessionsFolderOperations = {
  /** Creates the folder (and its parents) when missing. */
  ensureFolder(path: string): Promise<void>
  /** The names in a folder. */
  list(path: string): Promise<string[]>
  /** Size and modification time of a regular file; null for anything else. */
  fileInfo(path: string): Promise<{ size: number; mtimeMs: number } | null>
  readFile(path: string): Promise<string>
  remove(path: string): Promise<void>
}

export const nodeSessionsFolderOperations: SessionsFolderOperations = {
  ensureFolder: async (path) => {
    await mkdir(path, { recursive: true })
  },
  list: (path) => readdir(path),
  fileInfo: async (path) => {
    const info = await stat(path)
    return info.isFile() ? { size: info.size, mtimeMs: info.mtimeMs } : null
  },
  readFile: (path) => readFile(path, 'utf8'),
  remove: (path) => unlink(path),
}
