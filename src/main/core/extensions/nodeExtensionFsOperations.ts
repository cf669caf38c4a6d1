import { watch } from 'node:fs'
import { cp, mkdir, readdir, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises'
import type { ExtensionFsOperations } from './ExtensionFsOperations'

const missing = (error: unknown): boolean => ['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')

/** The real file system. */
export const nodeExtensionFsOperations: ExtensionFsOperations = {
  async list(folder) {
    try {
      const entries = await readdir(folder, { withFileTypes: true })
      return entries.map((e) => ({ name: e.name, isDirectory: e.isDirectory() }))
    } catch (error) {
      if (missing(error)) return []
      throw error
    }
  },
  async readText(path) {
    try {
      return await readFile(path, 'utf8')
    } catch (error) {
      if (missing(error)) return null
      throw error
    }
  },
  async isDirectory(path) {
    try {
      return (await stat(path)).isDirectory()
    } catch (error) {
      if (missing(error)) return null
      throw error
    }
  },
  async realPath(path) {
    try {
      return await realpath(path)
    } catch {
      return path
    }
  },
  writeText: (path, text) => writeFile(path, text),
  copy: (from, to) => cp(from, to, { recursive: true, errorOnExist: true, force: false }),
  remove: (path) => rm(path, { recursive: true, force: true }),
  ensureFolder: async (path) => void (await mkdir(path, { recursive: true })),
  watch(folder, onChange) {
    try {
      const watcher = watch(folder, { recursive: true }, (_event, name) => onChange(name ? String(name) : ''))
      watcher.on('error', () => undefined)
      return () => watcher.close()
    } catch {
      // A folder that does not exist (yet) or a platform without recursive watching: no auto-reload.
      return () => undefined
    }
  },
}
