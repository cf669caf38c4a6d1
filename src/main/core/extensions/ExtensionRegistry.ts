import { basename, join, resolve } from 'node:path'
import { fail, ok, type ArborError, type Result } from '../../../shared/errors'
import type { ToolInfo } from '../../../shared/extensions/ExtensionContext'
import type { ExtensionInfo } from '../../../shared/extensions/ExtensionInfo'
import type { HostRegistrations } from '../../../shared/extensions/hostProtocol'
import { createForkHostLauncher } from './createForkHostLauncher'
import type { ExtensionFsOperations } from './ExtensionFsOperations'
import { ExtensionHost, type RestartPolicy } from './ExtensionHost'
import { ExtensionStateStore } from './ExtensionStateStore'
import { findContributionConflict } from './findContributionConflict'
import { findExtensionLocations } from './findExtensionLocations'
import type { HostLauncher } from './HostLauncher'
import { installedRecord } from './installedRecord'
import { nodeExtensionFsOperations } from './nodeExtensionFsOperations'
import { consentKey, needsConsent, permissionConsent, samePermissions } from './permissionConsent'
import { prepareExtension } from './prepareExtension'
import { readExtensionSource } from './readExtensionSource'
import type { RegistryEntry } from './RegistryEntry'
import { toExtensionInfo, type EntryChoices } from './toExtensionInfo'
import { watchExtensionsFolder } from './watchExtensionsFolder'
import { WorkingFolder } from './WorkingFolder'

export type ExtensionRegistryOptions = {
  /** Extensions shipped with Arbor (`resources/extensions`). Defaults to none. */
  bundledFolder?: string | null
  /** The user's extensions (`~/.arbor/extensions`); `install` copies into it. Defaults to none. */
  userFolder?: string | null
  /**
   * A session's working folder: its `.arbor/extensions` run only once the user trusts it (`trustWorkspace`, kept in
   * `state`); `trusted: true` trusts it for this run whatever `state` says. Defaults to none.
   */
  workspace?: { folder: string; trusted: boolean } | null
  /**
   * The user's choices (disabled extensions, settings, allowed permissions, trusted folders), kept across restarts.
   * Defaults to an in-memory store holding `disabled` and `settings`.
   */
  state?: ExtensionStateStore
  /** Names of extensions the user turned off; used only without `state`. Defaults to `[]`. */
  disabled?: string[]
  /** The user's settings, by extension name; used only without `state`. Defaults to `{}`. */
  settings?: Record<string, Record<string, string>>
  /** Defaults to `createForkHostLauncher()`. */
  launcher?: HostLauncher
  /** Defaults to the real file system. */
  ops?: ExtensionFsOperations
  /** Reload user extensions when their files change. Defaults to `false`. */
  watch?: boolean
  /** Defaults to `300`. */
  watchDebounceMs?: number
  restart?: Partial<RestartPolicy>
  /** Largest result of a call. Defaults to `1048576`. */
  maxResultBytes?: number
  /** After any change of what `list()` answers. */
  onChange?: () => void
}

/** A running extension and what it offers. */
export type RunningExtension = { name: string; host: ExtensionHost; registrations: HostRegistrations }

/**
 * Every extension Arbor knows of: found in folders, each run in its own host when enabled, trusted (a working
 * folder's) and allowed what it declares (see `permissionConsent`). Names are unique (the first found keeps a
 * name); a tool or command name that an extension already running offers makes the newcomer fail
 * (`EXTENSION_INVALID`) rather than half-work.
 */
export class ExtensionRegistry {
  private entries: RegistryEntry[] = []
  private readonly owners = new Map<string, RegistryEntry>()
  private readonly state: ExtensionStateStore
  private readonly workspace: WorkingFolder
  private readonly ops: ExtensionFsOperations
  private readonly launcher: HostLauncher
  private stopWatching: (() => void) | null = null
  private loading: Promise<void> = Promise.resolve()
  private disposed = false

  constructor(private readonly options: ExtensionRegistryOptions = {}) {
    this.state = options.state ?? ExtensionStateStore.inMemory({ disabled: options.disabled ?? [], settings: { ...options.settings } })
    this.ops = options.ops ?? nodeExtensionFsOperations
    this.workspace = new WorkingFolder(this.state, this.ops)
    this.launcher = options.launcher ?? createForkHostLauncher()
  }

  /** Finds the extensions and starts the runnable ones (in parallel); resolves when each has started or failed. */
  async start(): Promise<void> {
    await this.workspace.set(this.options.workspace ?? null)
    await this.rescan()
    const user = this.options.userFolder
    if (this.options.watch && user && !this.stopWatching) {
      await this.ops.ensureFolder(user)
      this.stopWatching = watchExtensionsFolder(user, this.ops, this.options.watchDebounceMs ?? 300, (location) => void this.onFolderChange(location))
    }
  }

  list(): ExtensionInfo[] {
    return this.entries.map((e) => toExtensionInfo(e, this.choices(e)))
  }

  info(name: string): ExtensionInfo | null {
    return this.list().find((i) => i.name === name) ?? null
  }

  /** The extensions serving calls now, in order. */
  running(): RunningExtension[] {
    return this.entries.flatMap((e) =>
      e.host && e.admitted && e.host.state === 'ready' && e.host.registrations ? [{ name: e.name, host: e.host, registrations: e.host.registrations }] : [],
    )
  }

  /** Every tool offered to the model, with its extension. */
  tools(): ToolInfo[] {
    return this.running().flatMap((r) => r.registrations.tools.map((t) => ({ extension: r.name, ...t })))
  }

  /** Turns it on; one whose permissions the user has not allowed stays `needs-consent` (see `allow`). */
  async enable(name: string): Promise<Result<ExtensionInfo>> {
    if (!this.find(name)) return fail('EXTENSION_NOT_FOUND', `No extension "${name}".`)
    await this.state.setDisabled(name, false)
    return this.reload(name)
  }

  /**
   * The user allows what it asks for and turns it on. `permissions` is what they were shown (`consent.requested`);
   * when it asks for something else by now, nothing is recorded (`EXTENSION_PERMISSIONS_CHANGED`).
   */
  async allow(name: string, permissions: string[]): Promise<Result<ExtensionInfo>> {
    const entry = this.find(name)
    if (!entry) return fail('EXTENSION_NOT_FOUND', `No extension "${name}".`)
    const consent = permissionConsent(entry, null)
    if (consent && !samePermissions(consent.requested, permissions)) {
      return fail('EXTENSION_PERMISSIONS_CHANGED', `"${name}" now asks for: ${consent.requested.join(', ')}. Look at them again before allowing it.`)
    }
    if (consent) await this.state.accept(consentKey(entry), consent.requested)
    await this.state.setDisabled(name, false)
    return this.reload(name)
  }

  async disable(name: string): Promise<Result<ExtensionInfo>> {
    const entry = this.find(name)
    if (!entry) return fail('EXTENSION_NOT_FOUND', `No extension "${name}".`)
    await this.state.setDisabled(name, true)
    await this.stopEntry(entry)
    this.changed()
    return ok(this.info(name)!)
  }

  /** Reads its manifest again, recompiles and restarts it (clearing its faults). */
  async reload(name: string): Promise<Result<ExtensionInfo>> {
    const entry = this.find(name)
    if (!entry) return fail('EXTENSION_NOT_FOUND', `No extension "${name}".`)
    await this.loadEntries([entry])
    return ok(toExtensionInfo(entry, this.choices(entry)))
  }

  /** Replaces the user's settings of an extension and restarts it (permissions may depend on them). */
  async setSettings(name: string, settings: Record<string, string>): Promise<Result<ExtensionInfo>> {
    await this.state.setSettings(name, settings)
    return this.reload(name)
  }

  /** Another working folder, or the same one trusted or not: its extensions and `${workspace}` follow. */
  async setWorkspace(workspace: { folder: string; trusted: boolean } | null): Promise<void> {
    const changed = await this.workspace.set(workspace)
    await this.rescan()
    if (changed) {
      const affected = this.entries.filter((e) => e.source === 'workspace' || JSON.stringify(e.manifest ?? {}).includes('${workspace}'))
      await this.loadEntries(affected)
    }
  }

  /**
   * Trusts a working folder (by its real path) or stops trusting it, for good. When it is the working folder now,
   * its extensions start (each still asking for its permissions) or stop.
   */
  async trustWorkspace(folder: string, trusted: boolean): Promise<Result<null>> {
    const changed = await this.workspace.trust(folder, trusted)
    if (!changed.ok) return changed
    if (changed.value) await this.loadEntries(this.entries.filter((e) => e.source === 'workspace'))
    return ok(null)
  }

  /** Copies an extension (a folder or a file) into the user folder and starts it (after consent, if it asks for permissions). */
  async install(path: string): Promise<Result<ExtensionInfo>> {
    const user = this.options.userFolder
    if (!user) return fail('EXTENSION_FAILED', 'No user extensions folder is configured.')
    const source = await readExtensionSource(resolve(path), this.ops)
    if (!source.ok) return source
    if (this.find(source.value.manifest.name)) return fail('FILE_EXISTS', `An extension named "${source.value.manifest.name}" is already there.`)
    const target = join(user, basename(source.value.location))
    if ((await this.ops.isDirectory(target)) !== null) return fail('FILE_EXISTS', `${target} already exists.`)
    await this.ops.ensureFolder(user)
    await this.ops.copy(source.value.location, target)
    // Installing is asking for it to run: a choice left from an earlier one of the same name does not hold.
    await this.state.forget(source.value.manifest.name)
    const record = await installedRecord.read(user, this.ops)
    await installedRecord.write(user, record.add(basename(target)), this.ops)
    await this.rescan()
    const info = this.list().find((i) => i.location === target)
    return info ? ok(info) : fail('EXTENSION_FAILED', `Installed to ${target}, but it was not found there.`)
  }

  /** Stops an extension of the user folder and deletes its files. Bundled and workspace ones cannot be. */
  async uninstall(name: string): Promise<Result<null>> {
    const entry = this.find(name)
    const user = this.options.userFolder
    if (!entry) return fail('EXTENSION_NOT_FOUND', `No extension "${name}".`)
    if (!user || (entry.source !== 'user' && entry.source !== 'installed')) {
      return fail('EXTENSION_PERMISSION', `"${name}" is a ${entry.source} extension; only those of the user folder can be uninstalled.`)
    }
    await this.stopEntry(entry)
    await this.ops.remove(entry.location)
    await this.state.forget(name)
    const record = await installedRecord.read(user, this.ops)
    if (record.delete(basename(entry.location))) await installedRecord.write(user, record, this.ops)
    await this.rescan()
    return ok(null)
  }

  /** Takes a running extension out of service for `error` (a hook that failed); it restarts by its host's policy. */
  fault(name: string, error: ArborError): void {
    this.find(name)?.host?.fault(error)
    this.changed()
  }

  async dispose(): Promise<void> {
    this.disposed = true
    this.stopWatching?.()
    await Promise.all(this.entries.map((e) => this.stopEntry(e)))
    // A load under way disposes its own host when it sees `disposed`.
    await this.loading
    await this.state.flush()
  }

  private find(name: string): RegistryEntry | undefined {
    return this.entries.find((e) => e.name === name)
  }

  private trusted(entry: RegistryEntry): boolean {
    return entry.source !== 'workspace' || this.workspace.trusted
  }

  private choices(entry: RegistryEntry): EntryChoices {
    return {
      disabled: this.state.isDisabled(entry.name),
      trusted: this.trusted(entry),
      consent: permissionConsent(entry, this.state.acceptedOf(consentKey(entry))),
      workspaceFolder: entry.source === 'workspace' ? this.workspace.folder : null,
      userSettings: this.state.settingsOf(entry.name),
    }
  }

  private changed(): void {
    if (!this.disposed) this.options.onChange?.()
  }

  /** Matches the entries to what is on disk now: new ones are loaded, gone ones stopped, the rest left alone. */
  /**
   * Finds added and removed extensions. Loads and rescans run one at a time: two at once (a watcher event during an
   * install, a double-clicked Reload) would each start a host for the same entry and leave one running unowned.
   */
  private rescan(): Promise<void> {
    return this.serial(() => this.rescanNow())
  }

  private async rescanNow(): Promise<void> {
    const { bundledFolder: bundled, userFolder: user } = this.options
    // A working folder whose `.arbor/extensions` is the user's own folder (a session started in the home folder)
    // has no extensions of its own: the user's must not show twice, nor turn untrusted.
    const folder = this.workspace.folder
    const ownFolder =
      folder !== null && user && (await this.ops.realPath(join(folder, '.arbor', 'extensions'))) === (await this.ops.realPath(resolve(user)))
    const found = await findExtensionLocations({ bundled, user, workspace: ownFolder ? null : folder }, this.ops)
    const kept: RegistryEntry[] = []
    const added: RegistryEntry[] = []
    for (const { location, source } of found) {
      const existing = this.entries.find((e) => e.location === location)
      if (existing) {
        existing.source = source
        kept.push(existing)
        continue
      }
      const entry: RegistryEntry = { location, source, name: basename(location), manifest: null, error: null, permissions: [], host: null, settings: {}, admitted: false }
      kept.push(entry)
      added.push(entry)
    }
    const gone = this.entries.filter((e) => !kept.includes(e))
    this.entries = kept
    for (const entry of gone) if (this.owners.get(entry.name) === entry) this.owners.delete(entry.name)
    await Promise.all(gone.map((e) => this.stopEntry(e)))
    await this.loadEntriesNow(added)
    if (gone.length > 0 && added.length === 0) this.changed()
  }

  /** (Re)loads entries: manifests and names in order first, then hosts in parallel, then admission in order. */
  private loadEntries(entries: RegistryEntry[]): Promise<void> {
    return this.serial(() => this.loadEntriesNow(entries))
  }

  /** Runs `job` after every load and rescan asked for before it. */
  private serial(job: () => Promise<void>): Promise<void> {
    const run = this.loading.then(job, job)
    this.loading = run.catch(() => undefined)
    return run
  }

  private async loadEntriesNow(entries: RegistryEntry[]): Promise<void> {
    await Promise.all(entries.map((e) => this.stopEntry(e)))
    for (const entry of entries) {
      if (this.owners.get(entry.name) === entry) this.owners.delete(entry.name)
      const source = await readExtensionSource(entry.location, this.ops)
      entry.manifest = source.ok ? source.value.manifest : null
      entry.name = source.ok ? source.value.manifest.name : basename(entry.location)
      entry.error = source.ok ? null : source.error
      entry.permissions = []
      const owner = this.owners.get(entry.name)
      if (owner && owner !== entry && this.entries.includes(owner)) {
        entry.error = { code: 'EXTENSION_INVALID', message: `An extension named "${entry.name}" is already loaded from ${owner.location}.` }
      } else this.owners.set(entry.name, entry)
    }
    await Promise.all(entries.map((e) => this.startEntry(e)))
    for (const entry of entries) this.admit(entry)
    this.changed()
  }

  private async startEntry(entry: RegistryEntry): Promise<void> {
    if (entry.error || this.state.isDisabled(entry.name) || !this.trusted(entry) || this.disposed) return
    const source = await readExtensionSource(entry.location, this.ops)
    if (!source.ok) {
      entry.error = source.error
      return
    }
    const variables: Record<string, string> = this.workspace.folder ? { workspace: this.workspace.folder } : {}
    const prepared = await prepareExtension(source.value, variables, this.state.settingsOf(entry.name), this.ops)
    if (!prepared.ok) {
      entry.error = prepared.error
      return
    }
    entry.permissions = prepared.value.permissions
    entry.settings = prepared.value.settings
    // Prepared so that the user sees the folders it would get; it runs once they allow them.
    const consent = permissionConsent({ source: entry.source, manifest: source.value.manifest }, this.state.acceptedOf(consentKey(entry)))
    if (needsConsent(consent)) return
    if (consent && consent.removed.length > 0) await this.state.accept(consentKey(entry), consent.requested)
    const host = new ExtensionHost({
      name: entry.name,
      entryPath: source.value.entryPath,
      code: prepared.value.code,
      launch: prepared.value.launch,
      launcher: this.launcher,
      settings: prepared.value.settings,
      timeouts: source.value.manifest.timeouts,
      maxResultBytes: this.options.maxResultBytes,
      tools: () => this.tools(),
      restart: this.options.restart,
      onChange: () => {
        if (entry.host === host && host.state === 'ready' && entry.admitted) this.admit(entry)
        this.changed()
      },
    })
    entry.host = host
    await host.start()
    // Stopped, replaced or disposed while it started: it must not go on running unowned.
    if (entry.host !== host || this.disposed) await host.dispose()
  }

  /** Offers an entry's tools and commands unless another running extension offers one of the same name. */
  private admit(entry: RegistryEntry): void {
    const host = entry.host
    if (!host || host.state !== 'ready' || !host.registrations) return
    const others = this.running().filter((r) => r.host !== host)
    const conflict = findContributionConflict(host.registrations, others)
    if (conflict) {
      entry.error = { code: 'EXTENSION_INVALID', message: conflict }
      entry.admitted = false
      entry.host = null
      void host.dispose()
      return
    }
    entry.admitted = true
  }

  private async stopEntry(entry: RegistryEntry): Promise<void> {
    const host = entry.host
    entry.host = null
    entry.admitted = false
    await host?.dispose()
  }

  private async onFolderChange(location: string): Promise<void> {
    if (this.disposed) return
    const entry = this.entries.find((e) => e.location === location)
    if (entry && (await this.ops.isDirectory(location)) !== null) await this.loadEntries([entry])
    else await this.rescan()
  }
}
