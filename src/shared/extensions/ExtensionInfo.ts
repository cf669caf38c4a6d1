import type { ArborError } from '../errors'
import type { HookName } from './ExtensionEvents'
import type { LogLevel, CommandRegistration, ToolRegistration } from './hostProtocol'
import type { PermissionInfo } from './Permission'

/** Where an extension was found. */
export type ExtensionSourceKind = 'bundled' | 'user' | 'installed' | 'workspace'

/**
 * - `enabled`: on; its host is running (or starting: see `running`).
 * - `disabled`: turned off by the user.
 * - `failed`: out of service because of `lastError` (a restart may be pending: see `restarting`).
 * - `untrusted`: found in a working folder the user has not trusted; never run.
 */
export type ExtensionStatus = 'enabled' | 'disabled' | 'failed' | 'untrusted'

export type ExtensionLogLine = { at: number; level: LogLevel; text: string }

/** One extension as the UI lists it. */
export type ExtensionInfo = {
  name: string
  version: string
  description: string
  source: ExtensionSourceKind
  /** Its folder, or its file for a single-file extension. */
  location: string
  status: ExtensionStatus
  /** Its host process is up and the extension loaded. */
  running: boolean
  /** A restart after a crash or a timeout is scheduled. */
  restarting: boolean
  lastError: ArborError | null
  /** Crashes, timeouts and failed hooks since it was (re)loaded. */
  faults: number
  permissions: PermissionInfo[]
  tools: ToolRegistration[]
  commands: CommandRegistration[]
  hooks: HookName[]
  /** The last lines it logged (console, stdout, stderr), oldest first. */
  log: ExtensionLogLine[]
}
