import { extname, join } from 'node:path'
import type { ExtensionFsOperations } from './ExtensionFsOperations'
import { ENTRY_EXTENSIONS } from './readExtensionSource'

/**
 * The extensions in a folder, sorted by name: its sub-folders and its `.ts`/`.js` files (not hidden,
 * not `.d.ts`, not `node_modules`). Whether each one is valid is for `readExtensionSource` to say.
 */
export async function discoverExtensions(folder: string, ops: ExtensionFsOperations): Promise<string[]> {
  const entries = await ops.list(folder)
  return entries
    .filter((e) => !e.name.startsWith('.') && e.name !== 'node_modules')
    .filter((e) => e.isDirectory || (ENTRY_EXTENSIONS.includes(extname(e.name)) && !e.name.endsWith('.d.ts')))
    .map((e) => e.name)
    .sort()
    .map((name) => join(folder, name))
}
