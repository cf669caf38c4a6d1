import type { CoreToHost } from '../../../shared/extensions/hostProtocol'

/** What an extension's host process may do, and where it runs. */
export type HostLaunchRequest = {
  /** Paths it may read besides the host script: the extension's folder (or file) and declared `fs.read` folders. */
  readPaths: string[]
  /** Declared `fs.write` folders. */
  writePaths: string[]
  /** Declared `exec`: may start child processes. */
  childProcess: boolean
  /** Declared `net`: may reach the network (where an OS sandbox can stop it, it is stopped otherwise). */
  network: boolean
  /** Heap cap (`--max-old-space-size`), in MB. */
  memoryMb: number
  /** Working folder of the process: the extension's folder. */
  cwd: string
}

/** One running host process, whatever starts it (a Node child process now, Electron's `utilityProcess` later). */
export interface HostProcess {
  readonly pid: number | undefined
  /** The flags it was started with (for `ext check` and the UI). */
  readonly flags: readonly string[]
  /** The operating system's sandbox it runs in, or null: then it has the network and may signal any process. */
  readonly sandbox: 'bubblewrap' | 'sandbox-exec' | null
  send(message: CoreToHost): void
  /** Ends it at once (SIGKILL): a host in a synchronous loop answers nothing else. */
  kill(): void
  onMessage(listener: (message: unknown) => void): void
  /** It broke the channel's rules (a message over the size limit, or not JSON): it is not to be trusted further. */
  onViolation(listener: (reason: string) => void): void
  onExit(listener: (code: number | null, signal: string | null) => void): void
  /** Raw stdout and stderr chunks (native output and fatal errors such as V8's out-of-memory report). */
  onOutput(listener: (stream: 'stdout' | 'stderr', chunk: string) => void): void
}

/** Starts host processes. Swap it to run hosts another way (tests, Electron). */
export interface HostLauncher {
  launch(request: HostLaunchRequest): Promise<HostProcess>
  /** The OS sandbox its hosts will run in, for the consent screen before any runs. Defaults to none (null). */
  sandbox?(): Promise<'bubblewrap' | 'sandbox-exec' | null>
}
