import { basename } from 'node:path'
import { utilityProcess } from 'electron'
import type { CoreToHost } from '../../shared/extensions/hostProtocol'
import { buildHostScript } from '../core/extensions/buildHostScript'
import { MAX_HOST_MESSAGE_BYTES } from '../core/extensions/lineChannel'
import { hostEnvironment } from '../core/extensions/createForkHostLauncher'
import type { HostLauncher, HostProcess } from '../core/extensions/HostLauncher'
import { nodePermissionFlags } from '../core/extensions/nodePermissionFlags'

/** The host sends JSON text; anything else is handed on as is, for `ExtensionHost` to refuse. */
const parseMessage = (message: unknown): unknown => {
  if (typeof message !== 'string') return message
  try {
    return JSON.parse(message)
  } catch {
    return message
  }
}

export type UtilityHostLauncherOptions = {
  /** The host script. Defaults to `buildHostScript()`: `out/main/hostMain.cjs` in a built app. */
  script?: string
  /** Extra environment for hosts. Defaults to `{}`. */
  env?: Record<string, string>
}

/**
 * The launcher of the Electron app: each host is an Electron `utilityProcess` (a Chromium child process
 * running Node) instead of a copy of the Electron binary acting as Node. Messages travel as JSON text
 * over `postMessage` / `process.parentPort` (see `hostChannel`); stdout and stderr are piped.
 *
 * What a utility process does not honour: Electron passes `execArgv` to it as Chromium switches and hands
 * Node only its debugging flags (`--inspect` and the like). So Node's permission model (`--permission`,
 * `--allow-fs-read`, `--allow-fs-write`, `--allow-child-process`) is not in force here: the flags are still
 * passed and reported in `flags`, but a host may read, write and start processes as the user can. The same
 * holds for `--max-old-space-size`, which is therefore passed again as `--js-flags=--max-old-space-size=N`,
 * the switch Electron gives V8 in each of its processes. `kill()` sends SIGTERM (Chromium sends SIGKILL 2 s
 * later if the process is still there), and `onExit` gets an exit code but never a signal name.
 * Can only be used after the app is ready.
 */
export function createUtilityHostLauncher(options: UtilityHostLauncherOptions = {}): HostLauncher {
  return {
    async launch(request) {
      const script = options.script ?? (await buildHostScript())
      const nodeFlags = nodePermissionFlags(request, script)
      const heap = nodeFlags.find((flag) => flag.startsWith('--max-old-space-size='))
      const flags = heap ? [...nodeFlags, `--js-flags=${heap}`] : nodeFlags
      // An empty `env` would make Electron pass the whole environment of the app: never leave it empty.
      const env = hostEnvironment({ ARBOR_EXTENSION_HOST: '1', ...options.env })
      const child = utilityProcess.fork(script, [], {
        serviceName: `Arbor extension host (${basename(request.cwd)})`,
        execArgv: flags,
        env,
        cwd: request.cwd,
        stdio: 'pipe',
      })
      let exited = false
      let killRequested = false
      const violations: ((reason: string) => void)[] = []
      child.once('exit', () => {
        exited = true
      })
      // `kill()` does nothing before the process has a pid.
      child.once('spawn', () => {
        if (killRequested) child.kill()
      })
      child.stdout?.setEncoding('utf8')
      child.stderr?.setEncoding('utf8')
      const host: HostProcess = {
        get pid() {
          return child.pid
        },
        flags,
        // A utility process runs in Chromium's process model, not in an OS sandbox of Arbor's.
        sandbox: null,
        send(message: CoreToHost) {
          if (!exited) child.postMessage(JSON.stringify(message))
        },
        kill() {
          killRequested = true
          if (!exited) child.kill()
        },
        onMessage: (listener) =>
          void child.on('message', (message: unknown) => {
            // The same limit as the pipe's, checked before the text is parsed.
            if (typeof message === 'string' && message.length > MAX_HOST_MESSAGE_BYTES) return violations.forEach((l) => l(`sent a message over ${MAX_HOST_MESSAGE_BYTES >> 20} MB`))
            listener(parseMessage(message))
          }),
        onViolation: (listener) => void violations.push(listener),
        onExit: (listener) => void child.on('exit', (code) => listener(code, null)),
        onOutput(listener) {
          child.stdout?.on('data', (chunk: string) => listener('stdout', chunk))
          child.stderr?.on('data', (chunk: string) => listener('stderr', chunk))
          // V8's fatal errors come as an event, not always on stderr: give `describeHostExit` the line.
          child.on('error', (_type, location) => listener('stderr', `FATAL ERROR: ${location}\n`))
        },
      }
      return host
    },
  }
}
