import { fail, ok, type ArborError, type Result } from '../../../shared/errors'
import type { ToolInfo } from '../../../shared/extensions/ExtensionContext'
import type { ExtensionInfo } from '../../../shared/extensions/ExtensionInfo'
import { createForkHostLauncher } from './createForkHostLauncher'
import { ExtensionCatalog } from './ExtensionCatalog'
import type { ExtensionFsOperations } from './ExtensionFsOperations'
import type { RestartPolicy } from './ExtensionHost'
import { allowShown, consentKey, decideStart, isTrusted, permissionConsent, settingsToKeep } from './ExtensionPolicy'
import { ExtensionStateStore } from './ExtensionStateStore'
import type { HostLauncher } from './HostLauncher'
import { HostSupervisor, type RunningExtension } from './HostSupervisor'
import { nodeExtensionFsOperations } from './nodeExtensionFsOperations'
import { prepareExtension } from './prepareExtension'
import { readExtensionSource } from './readExtensionSource'
import type { RegistryEntry } from './RegistryEntry'
import { toExtensionInfo, type EntryChoices } from './toExtensionInfo'
import { watchExtensionsFolder } from './watchExtensionsFolder'
import { WorkingFolder } from './WorkingFolder'

export type { RunningExtension }

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

/**
 * Every extension Arbor knows of, and the user's choices about them: the catalog says which exist, the policy
 * whether each may run (enabled, trusted, its permissions allowed), the supervisor runs their hosts. Changes of
 * what runs happen one at a time.
 */
export class ExtensionRegistry {
  private readonly catalog: ExtensionCatalog
  private readonly hosts: HostSupervisor
  private readonly state: ExtensionStateStore
  private readonly workspace: WorkingFolder
  private readonly ops: ExtensionFsOperations
  private stopWatching: (() => void) | null = null
  private readonly launcher: HostLauncher
  /** The OS sandbox hosts run in here (known once started). */
  private sandbox: 'bubblewrap' | 'sandbox-exec' | null = null

  constructor(private readonly options: ExtensionRegistryOptions = {}) {
    this.state = options.state ?? ExtensionStateStore.inMemory({ disabled: options.disabled ?? [], settings: { ...options.settings } })
    this.ops = options.ops ?? nodeExtensionFsOperations
    this.workspace = new WorkingFolder(this.state, this.ops)
    this.catalog = new ExtensionCatalog(options, this.ops)
    this.launcher = options.launcher ?? createForkHostLauncher()
    this.hosts = new HostSupervisor({
      launcher: this.launcher,
      restart: options.restart,
      maxResultBytes: options.maxResultBytes,
      tools: () => this.tools(),
      running: () => this.running(),
      onChange: () => this.changed(),
    })
  }

  /** Finds the extensions and starts the runnable ones (in parallel); resolves when each has started or failed. */
  async start(): Promise<void> {
    this.sandbox = (await this.launcher.sandbox?.()) ?? null
    await this.workspace.set(this.options.workspace ?? null)
    await this.rescan()
    const user = this.options.userFolder
    if (this.options.watch && user && !this.stopWatching) {
      await this.ops.ensureFolder(user)
      this.stopWatching = watchExtensionsFolder(user, this.ops, this.options.watchDebounceMs ?? 300, (location) => void this.onFolderChange(location))
    }
  }

  list(): ExtensionInfo[] {
    return this.catalog.entries.map((e) => toExtensionInfo(e, this.choices(e)))
  }

  info(name: string): ExtensionInfo | null {
    return this.list().find((i) => i.name === name) ?? null
  }

  /** The extensions serving calls now, in order. */
  running(): RunningExtension[] {
    return this.catalog.entries.flatMap((e) =>
      e.host && e.admitted && e.host.state === 'ready' && e.host.registrations ? [{ name: e.name, host: e.host, registrations: e.host.registrations }] : [],
    )
  }

  /** Every tool offered to the model, with its extension. */
  tools(): ToolInfo[] {
    return this.running().flatMap((r) => r.registrations.tools.map((t) => ({ extension: r.name, ...t })))
  }

  /** Turns it on; one whose permissions the user has not allowed stays `needs-consent` (see `allow`). */
  async enable(name: string): Promise<Result<ExtensionInfo>> {
    if (!this.catalog.find(name)) return fail('EXTENSION_NOT_FOUND', `No extension "${name}".`)
    await this.state.setDisabled(name, false)
    return this.reload(name)
  }

  /** The user allows what they were shown (`consent.requested`) and turns it on. */
  async allow(name: string, permissions: string[]): Promise<Result<ExtensionInfo>> {
    const entry = this.catalog.find(name)
    if (!entry) return fail('EXTENSION_NOT_FOUND', `No extension "${name}".`)
    const allowed = allowShown(name, permissionConsent(entry, null), permissions)
    if (!allowed.ok) return allowed
    if (allowed.value) await this.state.accept(consentKey(entry), allowed.value)
    await this.state.setDisabled(name, false)
    return this.reload(name)
  }

  async disable(name: string): Promise<Result<ExtensionInfo>> {
    const entry = this.catalog.find(name)
    if (!entry) return fail('EXTENSION_NOT_FOUND', `No extension "${name}".`)
    await this.state.setDisabled(name, true)
    await this.hosts.stop(entry)
    this.changed()
    return ok(this.info(name)!)
  }

  /** Reads its manifest again, recompiles and restarts it (clearing its faults). */
  async reload(name: string): Promise<Result<ExtensionInfo>> {
    const entry = this.catalog.find(name)
    if (!entry) return fail('EXTENSION_NOT_FOUND', `No extension "${name}".`)
    await this.load([entry])
    return ok(toExtensionInfo(entry, this.choices(entry)))
  }

  /** Replaces the user's settings of an extension (declared ones only) and restarts it: permissions may follow them. */
  async setSettings(name: string, settings: Record<string, string>): Promise<Result<ExtensionInfo>> {
    const entry = this.catalog.find(name)
    if (!entry) return fail('EXTENSION_NOT_FOUND', `No extension "${name}".`)
    const kept = settingsToKeep(name, Object.keys(entry.manifest?.settings ?? {}), settings)
    if (!kept.ok) return kept
    await this.state.setSettings(name, kept.value)
    return this.reload(name)
  }

  /** Another working folder, or the same one trusted or not: its extensions and `${workspace}` follow. */
  async setWorkspace(workspace: { folder: string; trusted: boolean } | null): Promise<void> {
    const changed = await this.workspace.set(workspace)
    await this.rescan()
    if (changed) {
      const affected = this.catalog.entries.filter((e) => e.source === 'workspace' || JSON.stringify(e.manifest ?? {}).includes('${workspace}'))
      await this.load(affected)
    }
  }

  /** Trusts a working folder (by its real path) or stops trusting it, for good; its extensions start or stop. */
  async trustWorkspace(folder: string, trusted: boolean): Promise<Result<null>> {
    const changed = await this.workspace.trust(folder, trusted)
    if (!changed.ok) return changed
    if (changed.value) await this.load(this.catalog.entries.filter((e) => e.source === 'workspace'))
    return ok(null)
  }

  /** Copies an extension into the user folder and starts it (after consent, if it asks for permissions). */
  async install(path: string): Promise<Result<ExtensionInfo>> {
    const installed = await this.catalog.install(path)
    if (!installed.ok) return installed
    // Installing is asking for it to run: a choice left from an earlier one of the same name does not hold.
    await this.state.forget(installed.value.name)
    await this.rescan()
    const info = this.list().find((i) => i.location === installed.value.location)
    return info ? ok(info) : fail('EXTENSION_FAILED', `Installed to ${installed.value.location}, but it was not found there.`)
  }

  /** Stops an extension of the user folder and deletes its files. Bundled and workspace ones cannot be. */
  async uninstall(name: string): Promise<Result<null>> {
    const entry = this.catalog.find(name)
    if (!entry) return fail('EXTENSION_NOT_FOUND', `No extension "${name}".`)
    if (entry.source !== 'user' && entry.source !== 'installed') return this.catalog.uninstall(entry)
    await this.hosts.stop(entry)
    const removed = await this.catalog.uninstall(entry)
    if (!removed.ok) return removed
    await this.state.forget(name)
    await this.rescan()
    return ok(null)
  }

  /** Takes a running extension out of service for `error` (a hook that failed); it restarts by its host's policy. */
  fault(name: string, error: ArborError): void {
    this.catalog.find(name)?.host?.fault(error)
    this.changed()
  }

  async dispose(): Promise<void> {
    this.stopWatching?.()
    await this.hosts.dispose(this.catalog.entries)
    await this.state.flush()
  }

  private choices(entry: RegistryEntry): EntryChoices {
    return {
      disabled: this.state.isDisabled(entry.name),
      trusted: isTrusted(entry.source, this.workspace.trusted),
      consent: permissionConsent(entry, this.state.acceptedOf(consentKey(entry))),
      workspaceFolder: entry.source === 'workspace' ? this.workspace.folder : null,
      userSettings: this.state.settingsOf(entry.name),
      sandbox: this.sandbox,
    }
  }

  private changed(): void {
    if (!this.hosts.disposed) this.options.onChange?.()
  }

  /** Finds added and removed extensions: new ones are loaded, gone ones stopped, the rest left alone. */
  private rescan(): Promise<void> {
    return this.hosts.serial(async () => {
      const { added, gone } = await this.catalog.rescan(this.workspace.folder)
      await Promise.all(gone.map((e) => this.hosts.stop(e)))
      await this.loadNow(added)
      if (gone.length > 0 && added.length === 0) this.changed()
    })
  }

  /** (Re)loads entries: manifests and names in order first, then hosts in parallel, then admission in order. */
  private load(entries: RegistryEntry[]): Promise<void> {
    return this.hosts.serial(() => this.loadNow(entries))
  }

  private async loadNow(entries: RegistryEntry[]): Promise<void> {
    await Promise.all(entries.map((e) => this.hosts.stop(e)))
    await this.catalog.readManifests(entries)
    await Promise.all(entries.map((e) => this.startEntry(e)))
    for (const entry of entries) this.hosts.admit(entry)
    this.changed()
  }

  private async startEntry(entry: RegistryEntry): Promise<void> {
    const choices = this.choices(entry)
    const decision = decideStart({ failed: entry.error !== null, disabled: choices.disabled, trusted: choices.trusted, consent: choices.consent })
    // One waiting for consent is still prepared, so that the user sees the folders it would get.
    if ((!decision.start && decision.why !== 'needs-consent') || this.hosts.disposed) return
    const source = await readExtensionSource(entry.location, this.ops)
    if (!source.ok) {
      entry.error = source.error
      return
    }
    const variables: Record<string, string> = this.workspace.folder ? { workspace: this.workspace.folder } : {}
    const prepared = await prepareExtension(source.value, variables, choices.userSettings, this.ops)
    if (!prepared.ok) {
      entry.error = prepared.error
      return
    }
    entry.permissions = prepared.value.permissions
    entry.settings = prepared.value.settings
    if (!decision.start) return
    if (decision.narrowedTo) await this.state.accept(consentKey(entry), decision.narrowedTo)
    await this.hosts.start(entry, source.value, prepared.value)
  }

  private async onFolderChange(location: string): Promise<void> {
    if (this.hosts.disposed) return
    const entry = this.catalog.entries.find((e) => e.location === location)
    if (entry && (await this.ops.isDirectory(location)) !== null) await this.load([entry])
    else await this.rescan()
  }
}
