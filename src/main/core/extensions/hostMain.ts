import Module from 'node:module'
import { dirname } from 'node:path'
import { writeSync } from 'node:fs'
import { format } from 'node:util'
import { fail, ok, type Result } from '../../../shared/errors'
import type { ExtensionFactory } from '../../../shared/extensions/ExtensionAPI'
import type { CoreToHost, HostRequestMethod, HostToCore, LogLevel } from '../../../shared/extensions/hostProtocol'
import { createHostApi, type HostRegistry } from './createHostApi'
import { createHostContext } from './createHostContext'
import { hostChannel } from './hostChannel'
import { runHostCall } from './runHostCall'
import { toHostError } from './toHostError'

/** Read before any extension code runs: whether Node's permission model is in force in this process. */
const PERMISSION_MODEL = typeof (process as { permission?: { has?: unknown } }).permission?.has === 'function'

/*
 * The extension host: runs inside its own process (one per extension), started by `ExtensionHost` with
 * `child_process.fork` under Node's permission model, or as Electron's `utilityProcess` (where the permission
 * flags are inert: see `createUtilityHostLauncher`). It loads one extension,
 * reports what it registered and serves calls until the core disconnects. Bundled to one CommonJS file by
 * `buildHostScript` (or by the app build, as `out/main/hostMain.cjs`).
 */

type CjsModule = { filename: string; paths: string[]; exports: unknown; _compile(code: string, filename: string): void }
// Node's own CommonJS loader: the only way to run compiled code as a module of the extension's folder.
const CjsModule = Module as unknown as { new (id: string): CjsModule; _nodeModulePaths(dir: string): string[] }

const MAX_LOG_LINE = 4000
const MAX_LOG_LINES_PER_SECOND = 200

const channel = hostChannel()
const send = (message: HostToCore): void => channel.send(message)

let registry: HostRegistry | null = null
let settings: Record<string, string> = {}
let maxResultBytes = 1024 * 1024
let loading: ((error: unknown) => void) | null = null
let nextRequest = 1
const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
/** The calls in progress, by id: a `cancel` from the core aborts the call's `ctx.signal`. */
const inProgress = new Map<number, AbortController>()

let logWindow = 0
let logCount = 0
let dropped = 0
const log = (level: LogLevel, args: unknown[]): void => {
  const second = Math.floor(Date.now() / 1000)
  if (second !== logWindow) {
    if (dropped > 0) send({ type: 'log', level: 'warn', text: `(${dropped} log lines dropped: more than ${MAX_LOG_LINES_PER_SECOND} a second)` })
    logWindow = second
    logCount = 0
    dropped = 0
  }
  if (++logCount > MAX_LOG_LINES_PER_SECOND) {
    dropped++
    return
  }
  send({ type: 'log', level, text: format(...args).slice(0, MAX_LOG_LINE) })
}
for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) console[level] = (...args: unknown[]) => log(level, args)

const realExit = process.exit.bind(process)
process.exit = ((code?: number | string | null) => {
  // Synchronous, so that the core reads the reason even though the process ends right after.
  writeSync(2, `The extension called process.exit(${code ?? ''}).\n`)
  realExit(code ?? undefined)
}) as typeof process.exit

const reportUncaught = (origin: 'uncaughtException' | 'unhandledRejection') => (error: unknown) => {
  if (loading) return loading(error)
  const e = toHostError(error, origin === 'uncaughtException' ? 'Uncaught exception' : 'Unhandled promise rejection')
  send({ type: 'error', origin, message: e.message })
}
process.on('uncaughtException', reportUncaught('uncaughtException'))
process.on('unhandledRejection', reportUncaught('unhandledRejection'))
channel.onDisconnect(() => realExit(0))

async function load(message: Extract<CoreToHost, { type: 'load' }>): Promise<void> {
  settings = message.settings
  maxResultBytes = message.maxResultBytes
  const { api, registry: registered, seal } = createHostApi(message.name, message.settings)
  let result: Result<ReturnType<typeof seal>>
  try {
    const failedAsync = new Promise<never>((_resolve, reject) => {
      loading = reject
    })
    const mod = new CjsModule(message.entryPath)
    mod.filename = message.entryPath
    mod.paths = CjsModule._nodeModulePaths(dirname(message.entryPath))
    mod._compile(message.code, message.entryPath)
    const exported = mod.exports as { default?: unknown } | ExtensionFactory
    const factory = typeof exported === 'function' ? exported : exported?.default
    if (typeof factory !== 'function') throw new Error('the entry must export a default function (arbor) { … }.')
    await Promise.race([(factory as ExtensionFactory)(api), failedAsync])
    registry = registered
    result = ok({ ...seal(), permissionModel: PERMISSION_MODEL })
  } catch (error) {
    const e = toHostError(error, 'Loading failed')
    result = fail(e.code === 'EXTENSION_FAILED' ? 'EXTENSION_INVALID' : e.code, e.message)
  } finally {
    loading = null
  }
  send({ type: 'loaded', result })
}

async function call(message: Extract<CoreToHost, { type: 'call' }>): Promise<void> {
  if (!registry) return send({ type: 'result', id: message.id, result: fail('EXTENSION_FAILED', 'The extension is not loaded.') })
  const request = (method: HostRequestMethod, args: unknown[]) =>
    new Promise<unknown>((resolve, reject) => {
      const id = nextRequest++
      pending.set(id, { resolve, reject })
      send({ type: 'request', id, callId: message.id, method, args })
    })
  const controller = new AbortController()
  inProgress.set(message.id, controller)
  try {
    const ctx = createHostContext(message.ctx, settings, request, controller.signal)
    const result = await runHostCall(registry, message.kind, message.name, message.payload, ctx, maxResultBytes)
    send({ type: 'result', id: message.id, result })
  } finally {
    inProgress.delete(message.id)
  }
}

channel.onMessage((message) => {
  if (message.type === 'load') void load(message)
  else if (message.type === 'call') void call(message)
  else if (message.type === 'cancel') inProgress.get(message.id)?.abort(new Error('The user stopped the turn.'))
  else if (message.type === 'reply') {
    const waiting = pending.get(message.id)
    pending.delete(message.id)
    if (!waiting) return
    if (message.result.ok) waiting.resolve(message.result.value)
    else waiting.reject(Object.assign(new Error(message.result.error.message), { code: message.result.error.code }))
  } else if (message.type === 'ping') {
    const memory = process.memoryUsage()
    send({ type: 'pong', id: message.id, rssBytes: memory.rss, heapUsedBytes: memory.heapUsed })
  }
})
