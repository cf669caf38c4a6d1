import type { ArborEvent } from '../../../shared/contract'
import type { ApiRequestLog, ApiServerStatus } from '../../../shared/apiServer'
import { ArborFailure } from '../../../shared/errors'
import type { Engine } from '../engine'
import type { SettingsStore } from '../settings/SettingsStore'
import type { TurnRunner } from '../turns/TurnRunner'
import { ApiRecorder } from './ApiRecorder'
import { ApiServer, DEFAULT_PORT, type ApiServerOptions } from './ApiServer'

/** Requests kept for a UI that connects later. */
const LOG_SIZE = 100

export type ApiStartOptions = Pick<ApiServerOptions, 'host' | 'port' | 'apiKey' | 'corsOrigins'>

/**
 * The core's OpenAI-compatible server: started and stopped on request (the Server panel, the CLI), its choices
 * remembered in the app settings (it starts with Arbor when it was running when Arbor quit), every answered request
 * told to the UIs and kept in a short log.
 */
export class ApiService {
  private server: ApiServer | null = null
  private readonly entries: ApiRequestLog[] = []
  private lastError: string | null = null

  private readonly recorder: ApiRecorder

  constructor(
    private readonly engine: Engine,
    private readonly runner: TurnRunner,
    private readonly settings: SettingsStore,
    private readonly emit: (event: ArborEvent) => void,
    /** Where recorded API sessions go (the sessions folder), and who hears that one changed. */
    sessionsFolder: string,
    onRecorded: (path: string) => void = () => undefined,
  ) {
    this.recorder = new ApiRecorder(sessionsFolder, onRecorded)
  }

  /** Where a client's requests are recorded (`user` field, else `default`). */
  recordingOf(client: string): string {
    return this.recorder.pathOf(client)
  }

  /** Resolves once every answered request so far is in its recording (a reply and its numbers are two lines). */
  recorded(): Promise<void> {
    return this.recorder.flush()
  }

  get status(): ApiServerStatus & { error: string | null } {
    const s = this.settings.settings
    const stopped: ApiServerStatus = { running: false, host: '127.0.0.1', port: s.apiPort ?? DEFAULT_PORT, baseUrl: null, keyRequired: s.apiKey !== null }
    return { ...(this.server?.status ?? stopped), error: this.lastError }
  }

  get log(): ApiRequestLog[] {
    return [...this.entries]
  }

  /**
   * Starts the server with these choices (else the remembered ones) and remembers them. Throws `PORT_IN_USE`, or
   * `BAD_REQUEST` for a non-loopback host without a key.
   */
  start(options: ApiStartOptions = {}, remember = true): Promise<ApiServerStatus> {
    return this.serial(() => this.startNow(options, remember))
  }

  /** Starts and stops one after the other: two at once (a double click) would leave a server no one can stop. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.lifecycle.then(work)
    this.lifecycle = run.then(() => undefined, () => undefined)
    return run
  }

  private lifecycle: Promise<void> = Promise.resolve()

  private async startNow(options: ApiStartOptions, remember: boolean): Promise<ApiServerStatus> {
    await this.stopServer()
    const s = this.settings.settings
    const port = options.port ?? s.apiPort ?? undefined
    const apiKey = options.apiKey !== undefined ? options.apiKey : s.apiKey
    const server = new ApiServer(this.engine, this.runner, {
      ...(options.host ? { host: options.host } : {}),
      ...(port !== undefined ? { port } : {}),
      apiKey,
      corsOrigins: options.corsOrigins ?? (() => this.settings.settings.apiCorsOrigins),
      onRequest: (entry) => this.note(entry),
      record: (request) => {
        if (this.settings.settings.apiRecord) void this.recorder.record(request)
      },
    })
    try {
      await server.start()
      this.lastError = null
    } catch (error) {
      this.lastError = ArborFailure.wrap(error, 'INTERNAL').message
      this.changed()
      throw error
    }
    this.server = server
    if (remember) await this.settings.update({ apiAutoStart: true, apiPort: options.port !== undefined ? options.port : s.apiPort, apiKey })
    this.changed()
    return server.status
  }

  /** Stops it; it will not start with Arbor next time. */
  stop(remember = true): Promise<ApiServerStatus> {
    return this.serial(async () => {
      await this.stopServer()
      if (remember) await this.settings.update({ apiAutoStart: false })
      this.changed()
      return this.status
    })
  }

  /** Starts it when the settings say it ran when Arbor last quit; a failure is kept in `status.error`, not thrown. */
  async autoStart(): Promise<void> {
    if (!this.settings.settings.apiAutoStart) return
    await this.start({}, false).catch(() => undefined)
  }

  async dispose(): Promise<void> {
    await this.serial(() => this.stopServer())
    await this.recorder.flush()
  }

  private async stopServer(): Promise<void> {
    const server = this.server
    this.server = null
    await server?.stop()
  }

  private note(entry: ApiRequestLog): void {
    this.entries.push(entry)
    if (this.entries.length > LOG_SIZE) this.entries.shift()
    this.emit({ type: 'server.request', entry })
  }

  private changed(): void {
    this.emit({ type: 'server.changed', status: this.status })
  }
}
