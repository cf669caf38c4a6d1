import { spawn } from 'node:child_process'
import type { Readable, Writable } from 'node:stream'
import type { CoreToHost } from '../../../shared/extensions/hostProtocol'
import { buildHostScript } from './buildHostScript'
import type { HostLauncher, HostProcess } from './HostLauncher'
import { MAX_HOST_MESSAGE_BYTES, readLines, writeLine } from './lineChannel'
import { nodePermissionFlags } from './nodePermissionFlags'
import { findOsSandbox, type OsSandbox } from './osSandbox'

/** Environment variables a host inherits; everything else (tokens, NODE_OPTIONS, …) stays with the core. */
const PASSED_ENV = ['PATH', 'HOME', 'USERPROFILE', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'TEMP', 'TMP', 'SystemRoot']

/** Tells the host script its channel to the core is the pipe on file descriptor 3 (lines of JSON). */
export const HOST_CHANNEL_ENV = 'ARBOR_HOST_CHANNEL'

/** A host's environment: the few variables it inherits from this process, then `extra`. Shared with the Electron launcher. */
export function hostEnvironment(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {}
  for (const key of PASSED_ENV) if (process.env[key] !== undefined) env[key] = process.env[key]!
  return Object.assign(env, extra)
}

export type ForkHostLauncherOptions = {
  /** The host script. Defaults to `buildHostScript()`. */
  script?: string
  /** The Node binary. Defaults to `process.execPath`. */
  execPath?: string
  /** Extra environment for hosts. Defaults to `{}`. */
  env?: Record<string, string>
  /** The operating system's sandbox; null runs hosts without one. Defaults to `findOsSandbox()`. */
  sandbox?: OsSandbox | null
}

/**
 * The default `HostLauncher`: the host script under Node's permission flags, inside the operating system's sandbox
 * where there is one, stdio piped, and the channel to the core a pipe of JSON lines with a size limit per message.
 */
export function createForkHostLauncher(options: ForkHostLauncherOptions = {}): HostLauncher {
  return {
    async sandbox() {
      return (options.sandbox !== undefined ? options.sandbox : await findOsSandbox())?.kind ?? null
    },
    async launch(request) {
      const script = options.script ?? (await buildHostScript())
      const sandbox = options.sandbox !== undefined ? options.sandbox : await findOsSandbox()
      const flags = nodePermissionFlags(request, script)
      // Electron's binary acts as plain Node only when told to (under Electron, `createUtilityHostLauncher` is the usual launcher).
      const env = hostEnvironment({ ...(process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {}), [HOST_CHANNEL_ENV]: 'fd3', ...options.env })
      const command = [options.execPath ?? process.execPath, ...flags, script]
      const { file, args } = sandbox ? sandbox.wrap({ ...request, readPaths: [script, ...request.readPaths] }, command) : { file: command[0]!, args: command.slice(1) }
      const child = spawn(file, args, { cwd: request.cwd, env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'], detached: process.platform !== 'win32' })
      child.on('error', () => undefined)
      child.stdout?.setEncoding('utf8')
      child.stderr?.setEncoding('utf8')
      const channel = child.stdio[3] as unknown as Readable & Writable
      channel.on('error', () => undefined)
      const violations: ((reason: string) => void)[] = []
      const messages: ((message: unknown) => void)[] = []
      readLines(
        channel,
        MAX_HOST_MESSAGE_BYTES,
        (message) => messages.forEach((l) => l(message)),
        (reason) => violations.forEach((l) => l(reason)),
      )
      const host: HostProcess = {
        pid: child.pid,
        flags,
        sandbox: sandbox?.kind ?? null,
        send(message: CoreToHost) {
          writeLine(channel, message)
        },
        kill() {
          if (child.exitCode !== null || child.signalCode !== null) return
          // The whole process group: programs an extension with `exec` started go with it.
          try {
            if (child.pid && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL')
            else child.kill('SIGKILL')
          } catch {
            child.kill('SIGKILL')
          }
        },
        onMessage: (listener) => void messages.push(listener),
        onViolation: (listener) => void violations.push(listener),
        onExit: (listener) => void child.on('exit', listener),
        onOutput(listener) {
          child.stdout?.on('data', (chunk: string) => listener('stdout', chunk))
          child.stderr?.on('data', (chunk: string) => listener('stderr', chunk))
        },
      }
      return host
    },
  }
}
