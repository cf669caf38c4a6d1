import type { ToolInfo } from '../../../shared/extensions/ExtensionContext'
import type { HostRegistrations } from '../../../shared/extensions/hostProtocol'
import { ExtensionHost, type RestartPolicy } from './ExtensionHost'
import { findContributionConflict } from './findContributionConflict'
import type { HostLauncher } from './HostLauncher'
import type { PreparedExtension } from './prepareExtension'
import type { ExtensionSource } from './readExtensionSource'
import type { RegistryEntry } from './RegistryEntry'

/** A running extension and what it offers. */
export type RunningExtension = { name: string; host: ExtensionHost; registrations: HostRegistrations }

export type HostSupervisorOptions = {
  launcher: HostLauncher
  restart?: Partial<RestartPolicy>
  /** Largest result of a call. Defaults to `1048576`. */
  maxResultBytes?: number
  /** The tools offered to the model, for `ctx.getTools()`. */
  tools(): ToolInfo[]
  /** The extensions serving calls now (to check a newcomer's names against). */
  running(): RunningExtension[]
  /** After a host's state, registrations or last error changed. */
  onChange(): void
}

/**
 * The host processes of the extensions: starts one per entry, admits its tools and commands unless a running one
 * already offers the same names, stops it, and runs loads one at a time (two at once would each start a host for
 * the same entry and leave one running unowned). After `dispose` nothing starts.
 */
export class HostSupervisor {
  private loading: Promise<void> = Promise.resolve()
  private stopped = false

  constructor(private readonly options: HostSupervisorOptions) {}

  get disposed(): boolean {
    return this.stopped
  }

  /** Runs `job` after every job asked for before it. */
  serial(job: () => Promise<void>): Promise<void> {
    const run = this.loading.then(job, job)
    this.loading = run.catch(() => undefined)
    return run
  }

  /** Starts a host for the entry with what `prepareExtension` made of it; resolves when it runs or has failed. */
  async start(entry: RegistryEntry, source: ExtensionSource, prepared: PreparedExtension): Promise<void> {
    if (this.stopped) return
    const host = new ExtensionHost({
      name: entry.name,
      entryPath: source.entryPath,
      code: prepared.code,
      launch: prepared.launch,
      launcher: this.options.launcher,
      settings: prepared.settings,
      timeouts: source.manifest.timeouts,
      maxResultBytes: this.options.maxResultBytes,
      tools: () => this.options.tools(),
      restart: this.options.restart,
      onChange: () => {
        if (entry.host === host && host.state === 'ready' && entry.admitted) this.admit(entry)
        this.options.onChange()
      },
    })
    entry.host = host
    await host.start()
    // Stopped, replaced or disposed while it started: it must not go on running unowned.
    if (entry.host !== host || this.stopped) await host.dispose()
  }

  /** Offers an entry's tools and commands unless another running extension offers one of the same name. */
  admit(entry: RegistryEntry): void {
    const host = entry.host
    if (!host || host.state !== 'ready' || !host.registrations) return
    const conflict = findContributionConflict(
      host.registrations,
      this.options.running().filter((r) => r.host !== host),
    )
    if (conflict) {
      entry.error = { code: 'EXTENSION_INVALID', message: conflict }
      entry.admitted = false
      entry.host = null
      void host.dispose()
      return
    }
    entry.admitted = true
  }

  async stop(entry: RegistryEntry): Promise<void> {
    const host = entry.host
    entry.host = null
    entry.admitted = false
    await host?.dispose()
  }

  /** Stops every host; a load under way disposes its own host when it sees the supervisor stopped. */
  async dispose(entries: readonly RegistryEntry[]): Promise<void> {
    this.stopped = true
    await Promise.all(entries.map((e) => this.stop(e)))
    await this.loading
  }
}
