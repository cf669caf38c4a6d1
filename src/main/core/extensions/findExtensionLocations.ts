import { basename, join } from 'node:path'
import type { ExtensionSourceKind } from '../../../shared/extensions/ExtensionInfo'
import { discoverExtensions } from './discoverExtensions'
import type { ExtensionFsOperations } from './ExtensionFsOperations'
import { installedRecord } from './installedRecord'

/**
 * Every extension location, in the order that decides who keeps a name and whose hooks run first:
 * bundled, then the user folder (`installed` when `install` put it there), then the working folder's
 * `.arbor/extensions`.
 */
export async function findExtensionLocations(
  folders: { bundled?: string | null; user?: string | null; workspace?: string | null },
  ops: ExtensionFsOperations,
): Promise<{ location: string; source: ExtensionSourceKind }[]> {
  const found: { location: string; source: ExtensionSourceKind }[] = []
  if (folders.bundled) for (const location of await discoverExtensions(folders.bundled, ops)) found.push({ location, source: 'bundled' })
  if (folders.user) {
    const installed = await installedRecord.read(folders.user, ops)
    for (const location of await discoverExtensions(folders.user, ops)) {
      found.push({ location, source: installed.has(basename(location)) ? 'installed' : 'user' })
    }
  }
  if (folders.workspace) {
    for (const location of await discoverExtensions(join(folders.workspace, '.arbor', 'extensions'), ops)) found.push({ location, source: 'workspace' })
  }
  return found
}
