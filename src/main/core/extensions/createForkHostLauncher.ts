import { fork } from 'node:child_process'
import type { CoreToHost } from '../../../shared/extensions/hostProtocol'
import { buildHostScript } from './buildHostScript'
import type { HostLauncher, HostProcess } from './HostLauncher'
import { nodePermissionFlags } from './nodePermissionFlags'

/** Environment variables a host inherits; everything else (tokens, NODE_OPTIONS, …) stays with the core. */
const PASSED_ENV = ['PATH', 'HOME', 'USERPROFILE', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'TEMP', 'TMP', 'SystemRoot']

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
}

/** The default `HostLauncher`: `child_process.fork` with the permission flags, stdio piped, IPC as JSON. */
export function createForkHostLauncher(options: ForkHostLauncherOptions = {}): HostLauncher {
  return {
    async launch(request) {
      const script = options.script ?? (await buildHostScript())
      const flags = nodePermissionFlags(request, script)
      // Electron's binary acts as plain Node only when told to (under Electron, `createUtilityHostLauncher` is the usual launcher).
      const env = hostEnvironment({ ...(process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {}), ...options.env })
      const child = fork(script, [], {
        execArgv: flags,
        execPath: options.execPath,
        cwd: request.cwd,
        env,
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        serialization: 'json',
      })
      child.on('error', () => undefined)
      child.stdout?.setEncoding('utf8')
      child.stderr?.setEncoding('utf8')
      const host: HostProcess = {
        pid: child.pid,
        flags,
        send(message: CoreToHost) {
          if (child.connected) child.send(message, (error) => error && undefined)
        },
        kill() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
        },
        onMessage: (listener) => void child.on('message', listener),
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
