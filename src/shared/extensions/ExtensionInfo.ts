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
 * - `needs-consent`: it declares permissions the user has not allowed (never, or not since they grew); not run
 *   until the user allows them (`extensions.allow`).
 */
export type ExtensionStatus = 'enabled' | 'disabled' | 'failed' | 'untrusted' | 'needs-consent'

/**
 * What an extension asks to be allowed, against what the user allowed last. Permissions are compared as the
 * manifest declares them with its setting defaults filled in; `${workspace}`, `${home}` and `${extension}` stay
 * names (the working folder changes with the session; that is not the extension asking for more).
 */
export type PermissionConsent = {
  /** What it asks for now; `extensions.allow` sends exactly this back. */
  requested: string[]
  /** What the user allowed last; null when never. */
  accepted: string[] | null
  /** Asked for now but not allowed last time (all of `requested` when never allowed). */
  added: string[]
  /** Allowed last time but no longer asked for. */
  removed: string[]
}

export type ExtensionLogLine = { at: number; level: LogLevel; text: string }

/** A setting the manifest declares, with the user's value (empty: the default applies). */
export type ExtensionSetting = { name: string; description: string; default: string; value: string }

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
  /** Resolved for this run (folders filled in); known once it was prepared (running, or waiting for consent). */
  permissions: PermissionInfo[]
  /**
   * The operating system's sandbox its host runs in (its own PID and network namespaces): it can neither signal
   * other processes nor reach the network unless it declares `net`. Null where this machine has none: then it has
   * the network and may signal any process of the user's, and the consent screen says so.
   */
  sandbox: 'bubblewrap' | 'sandbox-exec' | null
  /**
   * Null when no consent is needed: it declares no permissions, or it is bundled (it ships with Arbor, so its
   * permissions were accepted with Arbor; the manager still shows them).
   */
  consent: PermissionConsent | null
  /** For a working folder's extension: that folder, whose trust decides whether it runs. Null otherwise. */
  workspaceFolder: string | null
  /** The settings its manifest declares (a folder for its tools, say), in manifest order. */
  settings: ExtensionSetting[]
  tools: ToolRegistration[]
  commands: CommandRegistration[]
  hooks: HookName[]
  /** The last lines it logged (console, stdout, stderr), oldest first. */
  log: ExtensionLogLine[]
}
