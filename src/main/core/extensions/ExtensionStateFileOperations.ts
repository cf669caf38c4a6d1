/** The file-system steps `ExtensionStateStore` takes; tests may pass an in-memory set. Rejections carry Node's errno `code`. */
export type ExtensionStateFileOperations = {
  /** A file's text; null when it does not exist. Rejects when it exists but cannot be read. */
  readText(path: string): Promise<string | null>
  /** Creates or replaces a file holding `text`, resolving once it is on disk (fsync). */
  writeDurable(path: string, text: string): Promise<void>
  /** Replaces `to` with `from` in one step. */
  rename(from: string, to: string): Promise<void>
  /** Copies one file, replacing `to`. */
  copyFile(from: string, to: string): Promise<void>
  /** Deletes a file; nothing happens when it is already gone. */
  remove(path: string): Promise<void>
  ensureFolder(path: string): Promise<void>
}
