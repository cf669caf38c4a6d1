import { join } from 'node:path'
import type { ExtensionFsOperations } from './ExtensionFsOperations'

const FILE = '.arbor-installed.json'

/** Which entries of the user folder were put there by `install` (names of files or folders). */
export const installedRecord = {
  async read(userFolder: string, ops: ExtensionFsOperations): Promise<Set<string>> {
    const text = await ops.readText(join(userFolder, FILE))
    try {
      const names: unknown = text ? JSON.parse(text) : []
      return new Set(Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : [])
    } catch {
      return new Set()
    }
  },
  async write(userFolder: string, names: Set<string>, ops: ExtensionFsOperations): Promise<void> {
    await ops.writeText(join(userFolder, FILE), JSON.stringify([...names].sort(), null, 2) + '\n')
  },
}
