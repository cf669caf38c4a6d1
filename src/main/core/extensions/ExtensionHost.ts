import { fail, type ArborError, type Result } from '../../../shared/errors'
import type { ToolInfo } from '../../../shared/extensions/ExtensionContext'
import type { ExtensionLogLine } from '../../../shared/extensions/ExtensionInfo'
import type { ExtensionTimeouts } from '../../../shared/extensions/ExtensionManifest'
import type { CallKind, HostRegistrations, HostToCore } from '../../../shared/extensions/hostProtocol'
import { checkRegistrations } from './checkRegistrations'
import { fitsInBytes } from './fitsInBytes'
import { describeHostExit } from './describeHostExit'
import { HostLog } from './HostLog'
import type { ExtensionCallContext } from './ExtensionCallContext'
import type { HostLaunchRequest, HostLauncher, HostProcess } from './HostLauncher'
import { serveHostRequest } from './serveHostRequest'

/** When a host that crashed or hung is started again. */
export type RestartPolicy = {
  /** Faults (crash, hang, failed hook) within `windowMs` after which it stays failed. Defaults to `3`. */
  maxFaults: number
  /** Defaults to `60000`. */
  windowMs: number
  /** Wait before the 1st, 2nd, … restart; the last repeats. Defaults to `[250, 1000, 4000]`. */
  backoffMs: number[]
}

export type ExtensionHostOptions = {
  name: string
  entryPath: string
  /** The compiled entry (`compileExtension`). */
  code: string
  launch: HostLaunchRequest
  launcher: HostLauncher
  settings: Record<string, string>
  timeouts: ExtensionTimeouts
  /** Largest result a call may return. Defaults to `1048576` (1 MB). */
  maxResultBytes?: number
  /** The tools offered to the model, for `ctx.getTools()`. Defaults to none. */
  tools?: () => ToolInfo[]
  restart?: Partial<RestartPolicy>
  /** Log lines kept. Defaults to `200`. */
  logLines?: number
  /** Called when its state, registrations or last error change. */
  onChange?: () => void
}

/**
 * - `starting`: launched, loading the extension. `ready`: serving calls.
 * - `restarting`: a fault killed it; it starts again after a backoff.
 * - `failed`: it will not start again by itself (load failed, or too many faults). `disposed`: stopped for good.
 */
export type HostState = 'idle' | 'starting' | 'ready' | 'restarting' | 'failed' | 'disposed'

type PendingCall = { resolve: (result: Result<unknown>) => void; ctx: ExtensionCallContext; kind: CallKind; onUpdate?: (text: string) => void }

/** A context hook hands back the whole conversation: it gets more room than a tool's or a command's answer. */
const HOOK_RESULT_FACTOR = 16

export type CallOptions = {
  /** Defaults to the manifest's timeout for the call's kind. */
  timeoutMs?: number
  /**
   * Aborting tells the extension (its `ctx.signal`); the call still answers, or its timeout stops the host as
   * before. Defaults to none.
   */
  signal?: AbortSignal
  /** Progress the call reports with `ctx.onUpdate(text)`. Defaults to none. */
  onUpdate?: (text: string) => void
}

/** The core's handle on one extension's host process: start, calls with timeouts, crash detection, restarts. */
export class ExtensionHost {
  state: HostState = 'idle'
  lastError: ArborError | null = null
  /** Faults since it was created. */
  faults = 0
  registrations: HostRegistrations | null = null
  /** The flags the current (or last) process was started with. */
  flags: readonly string[] = []
  /** The OS sandbox the current (or last) process runs in; undefined before the first start. */
  sandbox: 'bubblewrap' | 'sandbox-exec' | null | undefined = undefined
  private process: HostProcess | null = null
  private readonly killed = new WeakSet<HostProcess>()
  private readonly exited = new WeakMap<HostProcess, Promise<void>>()
  private loading: ((result: Result<HostRegistrations>) => void) | null = null
  private readonly calls = new Map<number, PendingCall>()
  private readonly pings = new Map<number, (value: { rssBytes: number; heapUsedBytes: number } | null) => void>()
  private nextId = 1
  private faultTimes: number[] = []
  private restartTimer: NodeJS.Timeout | null = null
  private readonly log: HostLog
  private readonly policy: RestartPolicy

  constructor(private readonly options: ExtensionHostOptions) {
    this.policy = { maxFaults: 3, windowMs: 60_000, backoffMs: [250, 1000, 4000], ...options.restart }
    this.log = new HostLog(options.logLines)
  }

  /** A getter, so that TypeScript does not narrow the state across awaits. */
  private get disposed(): boolean {
    return this.state === 'disposed'
  }

  get pid(): number | undefined {
    return this.process?.pid
  }

  /** The last log lines, oldest first. */
  logs(): ExtensionLogLine[] {
    return this.log.all()
  }

  /** Launches the host and loads the extension. A failure here is final (it would fail again): state `failed`. */
  async start(): Promise<Result<HostRegistrations>> {
    const result = await this.launchAndLoad()
    if (!result.ok && !this.disposed) this.setFailed(result.error)
    return result
  }

  /**
   * Calls a command, a tool or a hook. Refused at once when the host is not ready. A call that outlives
   * its timeout kills the host (it may be stuck in a loop), which counts as a fault.
   */
  call(kind: CallKind, name: string, payload: unknown, ctx: ExtensionCallContext, options: CallOptions = {}): Promise<Result<unknown>> {
    const process = this.process
    if (this.state !== 'ready' || !process) {
      const why = this.lastError ? `: ${this.lastError.message}` : '.'
      return Promise.resolve(fail('EXTENSION_FAILED', `Extension "${this.options.name}" is not running (${this.state})${why}`))
    }
    const limit = options.timeoutMs ?? this.options.timeouts[kind]
    const id = this.nextId++
    const label = kind === 'command' ? `/${name}` : kind === 'tool' ? `Tool "${name}"` : `The ${name} hook`
    const { signal } = options
    const cancel = () => {
      if (this.calls.has(id)) process.send({ type: 'cancel', id })
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', cancel)
        this.calls.delete(id)
        const error: ArborError = {
          code: 'EXTENSION_TIMEOUT',
          message: `${label} of extension "${this.options.name}" did not answer within ${limit} ms; its host process was stopped.`,
          details: { timeoutMs: limit },
        }
        resolve({ ok: false, error })
        this.fault(error)
      }, limit)
      this.calls.set(id, {
        ctx,
        kind,
        onUpdate: options.onUpdate,
        resolve: (result) => {
          clearTimeout(timer)
          signal?.removeEventListener('abort', cancel)
          this.calls.delete(id)
          resolve(result)
        },
      })
      process.send({ type: 'call', id, kind, name, payload, ctx: { path: [...ctx.path], systemPrompt: ctx.systemPrompt, model: ctx.model } })
      if (signal?.aborted) cancel()
      else signal?.addEventListener('abort', cancel, { once: true })
    })
  }

  /**
   * Takes the host out of service for `error`: kills the process, fails its calls in flight and restarts it
   * after a backoff, unless it faulted `maxFaults` times within the window (then it stays `failed`).
   */
  fault(error: ArborError): void {
    if (this.state !== 'ready') return
    this.faults++
    this.lastError = error
    this.log.push('error', error.message)
    this.stop()
    const now = Date.now()
    this.faultTimes = [...this.faultTimes.filter((t) => now - t < this.policy.windowMs), now]
    if (this.faultTimes.length >= this.policy.maxFaults) {
      const seconds = Math.round(this.policy.windowMs / 1000)
      this.setFailed({ ...error, message: `${error.message} (${this.faultTimes.length} faults within ${seconds} s: not restarted.)` })
      return
    }
    this.state = 'restarting'
    const backoff = this.policy.backoffMs
    const delay = backoff[Math.min(this.faultTimes.length - 1, backoff.length - 1)] ?? 1000
    this.restartTimer = setTimeout(() => void this.restart(), delay)
    this.options.onChange?.()
  }

  /** Resident and heap memory of the host process; null when it is not running or does not answer in 2 s. */
  stats(): Promise<{ rssBytes: number; heapUsedBytes: number } | null> {
    const process = this.process
    if (!process || this.state !== 'ready') return Promise.resolve(null)
    const id = this.nextId++
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.pings.get(id)?.(null), 2000)
      this.pings.set(id, (value) => {
        clearTimeout(timer)
        this.pings.delete(id)
        resolve(value)
      })
      process.send({ type: 'ping', id })
    })
  }

  /** Stops the host for good; calls in flight fail. */
  async dispose(): Promise<void> {
    if (this.state === 'disposed') return
    const process = this.process
    this.state = 'disposed'
    this.stop()
    if (process) await Promise.race([this.exited.get(process), new Promise((r) => setTimeout(r, 2000))])
  }

  private async restart(): Promise<void> {
    this.restartTimer = null
    if (this.state !== 'restarting') return
    const result = await this.launchAndLoad()
    if (this.disposed) return
    if (!result.ok) this.setFailed(result.error)
    else this.options.onChange?.()
  }

  private async launchAndLoad(): Promise<Result<HostRegistrations>> {
    this.state = 'starting'
    this.log.newProcess()
    let process: HostProcess
    try {
      process = await this.options.launcher.launch(this.options.launch)
    } catch (error) {
      return fail('EXTENSION_FAILED', `Could not start a host process: ${(error as Error).message}`)
    }
    if (this.disposed) {
      process.kill()
      return fail('EXTENSION_FAILED', 'Disposed while starting.')
    }
    this.process = process
    this.flags = process.flags
    this.sandbox = process.sandbox
    this.exited.set(process, new Promise((resolve) => process.onExit(() => resolve())))
    process.onExit((code, signal) => this.onExit(process, code, signal))
    process.onOutput((stream, chunk) => this.log.output(stream, chunk))
    process.onMessage((message) => this.onMessage(process, message))
    process.onViolation((reason) => {
      if (process !== this.process) return
      const error: ArborError = { code: 'EXTENSION_FAILED', message: `Extension "${this.options.name}" ${reason}; its host process was stopped.` }
      if (this.loading) {
        this.stop()
        this.loading?.({ ok: false, error })
      } else this.fault(error)
    })
    const result = await new Promise<Result<HostRegistrations>>((resolve) => {
      const limit = this.options.timeouts.load
      const timer = setTimeout(() => this.loading?.(fail('EXTENSION_TIMEOUT', `Loading did not finish within ${limit} ms.`)), limit)
      this.loading = (r) => {
        clearTimeout(timer)
        this.loading = null
        resolve(r)
      }
      const { name, entryPath, code, settings, maxResultBytes = 1024 * 1024 } = this.options
      process.send({ type: 'load', name, entryPath, code, settings, maxResultBytes })
    })
    if (this.disposed) return fail('EXTENSION_FAILED', 'Disposed while starting.')
    if (!result.ok) {
      this.stop()
      return result
    }
    this.registrations = result.value
    this.state = 'ready'
    return result
  }

  private setFailed(error: ArborError): void {
    this.lastError = error
    this.state = 'failed'
    this.options.onChange?.()
  }

  /** Kills the current process (its exit is expected) and fails whatever waited on it. */
  private stop(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer)
    this.restartTimer = null
    const process = this.process
    this.process = null
    if (process) {
      this.killed.add(process)
      process.kill()
    }
    const why = this.lastError?.message ?? 'The host was stopped.'
    this.loading?.(fail('EXTENSION_FAILED', why))
    for (const call of [...this.calls.values()]) call.resolve(fail('EXTENSION_FAILED', `Extension "${this.options.name}" stopped: ${why}`))
    for (const ping of [...this.pings.values()]) ping(null)
  }

  private onExit(process: HostProcess, code: number | null, signal: string | null): void {
    if (this.killed.has(process) || process !== this.process) return
    const error = describeHostExit(code, signal, this.log.stderrTail(), this.options.launch.memoryMb)
    if (this.loading) {
      this.process = null
      this.loading({ ok: false, error })
    } else this.fault(error)
  }

  private onMessage(process: HostProcess, raw: unknown): void {
    if (process !== this.process || typeof raw !== 'object' || raw === null) return
    const message = raw as HostToCore
    if (message.type === 'loaded') {
      const result = message.result?.ok ? checkRegistrations(message.result.value) : message.result
      this.loading?.(result ?? fail('EXTENSION_INVALID', 'Malformed load answer.'))
    } else if (message.type === 'result') {
      const call = this.calls.get(message.id)
      if (!call) return
      const valid = typeof message.result === 'object' && message.result !== null && typeof message.result.ok === 'boolean'
      if (!valid) return call.resolve(fail('EXTENSION_FAILED', 'Malformed answer from the host.'))
      // The host checks the size too, but the host is the extension's: the core checks what it takes.
      const limit = (this.options.maxResultBytes ?? 1024 * 1024) * (call.kind === 'hook' ? HOOK_RESULT_FACTOR : 1)
      if (message.result.ok && !fitsInBytes(message.result.value, limit))
        return call.resolve(fail('EXTENSION_FAILED', `The answer of extension "${this.options.name}" is larger than ${Math.round(limit / 1024)} KB and was refused.`, { limitBytes: limit }))
      call.resolve(message.result)
    } else if (message.type === 'request') {
      const call = this.calls.get(message.callId)
      const args = Array.isArray(message.args) ? message.args : []
      if (message.method === 'update') {
        call?.onUpdate?.(String(args[0] ?? '').slice(0, 2000))
        return process.send({ type: 'reply', id: message.id, result: { ok: true, value: null } })
      }
      const answer = call
        ? serveHostRequest(message.method, args, call.ctx, this.options.name, this.options.tools ?? (() => []))
        : Promise.resolve(fail('EXTENSION_FAILED', `ctx.${String(message.method)} was called after its call had ended.`))
      if (!call) this.log.push('warn', `ctx.${String(message.method)} called after its call had ended; ignored.`)
      void answer.then((result) => process.send({ type: 'reply', id: message.id, result }))
    } else if (message.type === 'log') {
      this.log.push(message.level, String(message.text))
    } else if (message.type === 'error') {
      this.lastError = { code: 'EXTENSION_FAILED', message: String(message.message).slice(0, 2000) }
      this.log.push('error', this.lastError.message)
      this.options.onChange?.()
    } else if (message.type === 'pong') {
      this.pings.get(message.id)?.({ rssBytes: message.rssBytes, heapUsedBytes: message.heapUsedBytes })
    }
  }
}
