import { basename, join, resolve } from 'node:path'
import { fail, ok, type Result } from '../../../shared/errors'
import type { ExtensionFsOperations } from './ExtensionFsOperations'
import { findExtensionLocations } from './findExtensionLocations'
import { installedRecord } from './installedRecord'
import { readExtensionSource } from './readExtensionSource'
import type { RegistryEntry } from './RegistryEntry'

export type CatalogFolders = {
  /** Extensions shipped with Arbor (`resources/extensions`). */
  bundledFolder?: string | null
  /** The user's extensions (`~/.arbor/extensions`); `install` copies into it. */
  userFolder?: string | null
}

/**
 * Which extensions exist: found in the bundled, user and working folders, each with its manifest and a unique
 * name (the first found keeps a name), and installed into or removed from the user folder. Knows nothing of
 * hosts or of the user's choices.
 */
export class ExtensionCatalog {
  private list: RegistryEntry[] = []
  private readonly owners = new Map<string, RegistryEntry>()

  constructor(
    private readonly folders: CatalogFolders,
    private readonly ops: ExtensionFsOperations,
  ) {}

  get entries(): readonly RegistryEntry[] {
    return this.list
  }

  find(name: string): RegistryEntry | undefined {
    return this.list.find((e) => e.name === name)
  }

  includes(entry: RegistryEntry): boolean {
    return this.list.includes(entry)
  }

  /** Matches the entries to what is on disk now; answers the ones that appeared and the ones that went. */
  async rescan(workspaceFolder: string | null): Promise<{ added: RegistryEntry[]; gone: RegistryEntry[] }> {
    const { bundledFolder: bundled, userFolder: user } = this.folders
    // A working folder whose `.arbor/extensions` is the user's own folder (a session started in the home folder)
    // has no extensions of its own: the user's must not show twice, nor turn untrusted.
    const ownFolder =
      workspaceFolder !== null && user && (await this.ops.realPath(join(workspaceFolder, '.arbor', 'extensions'))) === (await this.ops.realPath(resolve(user)))
    const found = await findExtensionLocations({ bundled, user, workspace: ownFolder ? null : workspaceFolder }, this.ops)
    const kept: RegistryEntry[] = []
    const added: RegistryEntry[] = []
    for (const { location, source } of found) {
      const existing = this.list.find((e) => e.location === location)
      if (existing) {
        existing.source = source
        kept.push(existing)
        continue
      }
      const entry: RegistryEntry = { location, source, name: basename(location), manifest: null, error: null, permissions: [], host: null, settings: {}, admitted: false }
      kept.push(entry)
      added.push(entry)
    }
    const gone = this.list.filter((e) => !kept.includes(e))
    this.list = kept
    for (const entry of gone) if (this.owners.get(entry.name) === entry) this.owners.delete(entry.name)
    return { added, gone }
  }

  /**
   * Reads each entry's manifest again (in order) and gives it its name; a name another entry holds makes it
   * fail (`EXTENSION_INVALID`) rather than half-work.
   */
  async readManifests(entries: readonly RegistryEntry[]): Promise<void> {
    for (const entry of entries) {
      if (this.owners.get(entry.name) === entry) this.owners.delete(entry.name)
      const source = await readExtensionSource(entry.location, this.ops)
      entry.manifest = source.ok ? source.value.manifest : null
      entry.name = source.ok ? source.value.manifest.name : basename(entry.location)
      entry.error = source.ok ? null : source.error
      entry.permissions = []
      const owner = this.owners.get(entry.name)
      if (owner && owner !== entry && this.list.includes(owner)) {
        entry.error = { code: 'EXTENSION_INVALID', message: `An extension named "${entry.name}" is already loaded from ${owner.location}.` }
      } else this.owners.set(entry.name, entry)
    }
  }

  /** Copies an extension (a folder or a file) into the user folder; answers its name and new location. */
  async install(path: string): Promise<Result<{ name: string; location: string }>> {
    const user = this.folders.userFolder
    if (!user) return fail('EXTENSION_FAILED', 'No user extensions folder is configured.')
    const source = await readExtensionSource(resolve(path), this.ops)
    if (!source.ok) return source
    const { name } = source.value.manifest
    if (this.find(name)) return fail('FILE_EXISTS', `An extension named "${name}" is already there.`, { path })
    const target = join(user, basename(source.value.location))
    if ((await this.ops.isDirectory(target)) !== null) return fail('FILE_EXISTS', `${target} already exists.`, { path: target })
    await this.ops.ensureFolder(user)
    await this.ops.copy(source.value.location, target)
    const record = await installedRecord.read(user, this.ops)
    await installedRecord.write(user, record.add(basename(target)), this.ops)
    return ok({ name, location: target })
  }

  /** Deletes an extension of the user folder (stop it first). Bundled and workspace ones cannot be. */
  async uninstall(entry: RegistryEntry): Promise<Result<null>> {
    const user = this.folders.userFolder
    if (!user || (entry.source !== 'user' && entry.source !== 'installed'))
      return fail('EXTENSION_PERMISSION', `"${entry.name}" is a ${entry.source} extension; only those of the user folder can be uninstalled.`)
    await this.ops.remove(entry.location)
    const record = await installedRecord.read(user, this.ops)
    if (record.delete(basename(entry.location))) await installedRecord.write(user, record, this.ops)
    return ok(null)
  }
}
