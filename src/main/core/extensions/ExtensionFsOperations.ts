/** The file system as the extension registry uses it; tests may pass their own. */
export type ExtensionFsOperations = {
  /** Entries of a folder; empty when it does not exist. */
  list(folder: string): Promise<{ name: string; isDirectory: boolean }[]>
  /** A file's text; null when it does not exist. */
  readText(path: string): Promise<string | null>
  /** Whether a path is a folder; null when it does not exist. */
  isDirectory(path: string): Promise<boolean | null>
  /** The path with symbolic links resolved (the permission model checks real paths); the path itself when missing. */
  realPath(path: string): Promise<string>
  writeText(path: string, text: string): Promise<void>
  /** Copies a file or a folder (recursively). */
  copy(from: string, to: string): Promise<void>
  remove(path: string): Promise<void>
  ensureFolder(path: string): Promise<void>
  /** Reports changes under a folder (path relative to it); returns a function that stops watching. */
  watch(folder: string, onChange: (relativePath: string) => void): () => void
}
