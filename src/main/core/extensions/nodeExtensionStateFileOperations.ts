import { copyFile, mkdir, open, readFile, rename, rm } from 'node:fs/promises'
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
  async writeDurable(path, text) {
    const handle = await open(path, 'w', 0o600)
    try {
      await handle.writeFile(text, 'utf8')
      await handle.sync()
    } finally {
      await handle.close()
    }
  },
  rename: (from, to) => rename(from, to),
  copyFile: (from, to) => copyFile(from, to),
  remove: (path) => rm(path, { force: true }),
  ensureFolder: async (path) => void (await mkdir(path, { recursive: true })),
}
