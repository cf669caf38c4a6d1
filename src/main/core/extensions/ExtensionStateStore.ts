import { dirname } from 'node:path'
import { EXTENSION_STATE_VERSION, type ExtensionState } from './ExtensionState'
import type { ExtensionStateFileOperations } from './ExtensionStateFileOperations'
import { nodeExtensionStateFileOperations } from './nodeExtensionStateFileOperations'
import { parseExtensionState } from './parseExtensionState'

export type ExtensionStateStoreOptions = {
  /** Defaults to the real file system. */
  ops?: ExtensionStateFileOperations
  /** Told every problem with the file (also kept in `warning`). Defaults to `console.warn`. */
  warn?: (message: string) => void
}

const message = (error: unknown): string => (error as Error)?.message ?? String(error)

/**
 * The user's extension choices (disabled, settings, trusted folders, allowed permissions), read once and saved
 * after every change: written to a temporary file, synced, then renamed over the old one, so a crash leaves the
 * old file or the new one, never half of one. A file that cannot be read or understood gives a warning and the
 * defaults; a copy of it is kept as `<file>.bak` before anything is written over it, and when no copy can be
 * made (or a newer Arbor wrote it) nothing is written this run.
 */
export class ExtensionStateStore {
  private readonly disabled: Set<string>
  private readonly settings: Map<string, Record<string, string>>
  private readonly trustedFolders: Set<string>
  private readonly accepted: Map<string, string[]>
  private saving: Promise<void> = Promise.resolve()
  private writes = 0

  private constructor(
    /** The file; null for a store kept in memory only. */
    readonly path: string | null,
    state: ExtensionState,
    /** False when writing could destroy a file this run could not read. */
    private readonly writable: boolean,
    private readonly ops: ExtensionStateFileOperations,
    private readonly warn: (message: string) => void,
    /** The last problem with the file, for people; null when none. */
    public warning: string | null = null,
  ) {
    this.disabled = new Set(state.disabled)
    this.settings = new Map(Object.entries(state.settings).map(([name, values]) => [name, { ...values }]))
    this.trustedFolders = new Set(state.trustedFolders)
    this.accepted = new Map(Object.entries(state.accepted).map(([name, list]) => [name, [...list]]))
  }

  /** Choices that live as long as the process (tests, the CLI). */
  static inMemory(state: Partial<ExtensionState> = {}): ExtensionStateStore {
    const full: ExtensionState = { disabled: [], settings: {}, trustedFolders: [], accepted: {}, ...state }
    return new ExtensionStateStore(null, full, false, nodeExtensionStateFileOperations, () => undefined)
  }

  /** Reads `path` (a missing file is a first run). Never rejects: problems become `warning`. */
  static async open(path: string, options: ExtensionStateStoreOptions = {}): Promise<ExtensionStateStore> {
    const ops = options.ops ?? nodeExtensionStateFileOperations
    const warn = options.warn ?? ((text: string) => console.warn(`Arbor: ${text}`))
    const empty: ExtensionState = { disabled: [], settings: {}, trustedFolders: [], accepted: {} }
    const make = (state: ExtensionState, writable: boolean, warning: string | null = null) => {
      if (warning) warn(warning)
      return new ExtensionStateStore(path, state, writable, ops, warn, warning)
    }
    const notSaved = 'Extension choices start from the defaults, and changes are not saved this run so that the file stays as it is.'
    let text: string | null
    try {
      text = await ops.readText(path)
    } catch (error) {
      return make(empty, false, `Could not read ${path} (${message(error)}). ${notSaved}`)
    }
    if (text === null) return make(empty, true)
    const parsed = parseExtensionState(text)
    if (parsed.ok) return make(parsed.state, true)
    if (parsed.newerVersion !== undefined) return make(empty, false, `${path} was ${parsed.reason}. ${notSaved}`)
    const backup = `${path}.bak`
    try {
      await ops.copyFile(path, backup)
    } catch (error) {
      return make(empty, false, `${path} is ${parsed.reason}, and no copy of it could be kept (${message(error)}). ${notSaved}`)
    }
    return make(empty, true, `${path} is ${parsed.reason}. Extension choices start from the defaults; the old file was kept as ${backup}.`)
  }

  isDisabled(name: string): boolean {
    return this.disabled.has(name)
  }

  settingsOf(name: string): Record<string, string> {
    return { ...this.settings.get(name) }
  }

  /** What the user allowed it last; null when never. */
  acceptedOf(name: string): string[] | null {
    const list = this.accepted.get(name)
    return list ? [...list] : null
  }

  /** Whether the user trusts this working folder (a real path). */
  trusts(folder: string): boolean {
    return this.trustedFolders.has(folder)
  }

  snapshot(): ExtensionState {
    return {
      disabled: [...this.disabled].sort(),
      settings: Object.fromEntries([...this.settings].sort(([a], [b]) => a.localeCompare(b))),
      trustedFolders: [...this.trustedFolders].sort(),
      accepted: Object.fromEntries([...this.accepted].sort(([a], [b]) => a.localeCompare(b))),
    }
  }

  setDisabled(name: string, disabled: boolean): Promise<void> {
    if (this.disabled.has(name) === disabled) return this.saving
    if (disabled) this.disabled.add(name)
    else this.disabled.delete(name)
    return this.save()
  }

  setSettings(name: string, settings: Record<string, string>): Promise<void> {
    this.settings.set(name, { ...settings })
    return this.save()
  }

  /** Records the exact list the user allowed. */
  accept(name: string, permissions: string[]): Promise<void> {
    this.accepted.set(name, [...permissions])
    return this.save()
  }

  setTrusted(folder: string, trusted: boolean): Promise<void> {
    if (this.trustedFolders.has(folder) === trusted) return this.saving
    if (trusted) this.trustedFolders.add(folder)
    else this.trustedFolders.delete(folder)
    return this.save()
  }

  /** Drops every choice about an extension (it was uninstalled: installed again, it asks again). */
  forget(name: string): Promise<void> {
    const changed = [this.disabled.delete(name), this.settings.delete(name), this.accepted.delete(name)].includes(true)
    return changed ? this.save() : this.saving
  }

  /** Resolves when every change so far is on disk, or failed with a warning. */
  flush(): Promise<void> {
    return this.saving
  }

  private save(): Promise<void> {
    if (this.path === null || !this.writable) return this.saving
    this.saving = this.saving.then(() => this.write(this.path!))
    return this.saving
  }

  /** Writes what the choices are now (a later change queues another write). Never rejects. */
  private async write(path: string): Promise<void> {
    const text = JSON.stringify({ version: EXTENSION_STATE_VERSION, ...this.snapshot() }, null, 2) + '\n'
    const temp = `${path}.${process.pid}-${++this.writes}.tmp`
    try {
      await this.ops.ensureFolder(dirname(path))
      await this.ops.writeDurable(temp, text)
      await this.ops.rename(temp, path)
    } catch (error) {
      await this.ops.remove(temp).catch(() => undefined)
      this.warning = `Could not save extension choices to ${path} (${message(error)}); they hold until Arbor quits.`
      this.warn(this.warning)
    }
  }
}
