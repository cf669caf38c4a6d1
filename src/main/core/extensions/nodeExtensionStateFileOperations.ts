import { copyFile, mkdir, readFile, rename, rm } from 'node:fs/promises'
import { writeSynced } from '../writeSynced'
import type { ExtensionStateFileOperations } from './ExtensionStateFileOperations'

/** The real file system. */
export const nodeExtensionStateFileOperations: ExtensionStateFileOperations = {
  async readText(path) {
    try {
      return await readFile(path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw error
    }
  },
  writeDurable: (path, text) => writeSynced(path, text, 'w', 0o600),
  rename: (from, to) => rename(from, to),
  copyFile: (from, to) => copyFile(from, to),
  remove: (path) => rm(path, { force: true }),
  ensureFolder: async (path) => void (await mkdir(path, { recursive: true })),
}
