import type { Result } from '../errors'
import type { ModelInfo, NodeSnapshot } from './ExtensionContext'
import type { HookName } from './ExtensionEvents'

/**
 * The message channel between the core and one extension host process. Every call carries an id and is
 * answered once with a `Result`; the host calls back (notify, appendEntry, …) with requests of its own.
 */

export type CallKind = 'command' | 'tool' | 'hook'

/** The data part of a handler's context; its callbacks travel as host requests. */
export type WireContext = { path: NodeSnapshot[]; systemPrompt: string; model: ModelInfo | null }

export type ToolRegistration = { name: string; description: string; parameters: Record<string, unknown> }
export type CommandRegistration = { name: string; description: string }

/** What an extension registered while loading. */
export type HostRegistrations = {
  tools: ToolRegistration[]
  commands: CommandRegistration[]
  hooks: HookName[]
  /**
   * Whether Node's permission model is in force in the host (false: no declared permission is enforced). Read
   * before the extension's code runs; an extension in a host without it is unconfined and could claim otherwise,
   * so this tells the user about a launcher that cannot enforce, it does not guard against a hostile extension.
   */
  permissionModel?: boolean
}

export type CoreToHost =
  | {
      type: 'load'
      name: string
      /** The entry's path: `require` and stack traces resolve from it. */
      entryPath: string
      /** The entry compiled to CommonJS (bundled, with an inline source map). */
      code: string
      settings: Record<string, string>
      maxResultBytes: number
    }
  | { type: 'call'; id: number; kind: CallKind; name: string; payload: unknown; ctx: WireContext }
  | { type: 'reply'; id: number; result: Result<unknown> }
  /** The call `id` is no longer wanted (Stop): its `ctx.signal` aborts. Its answer, if any, is dropped. */
  | { type: 'cancel'; id: number }
  | { type: 'ping'; id: number }

export type HostRequestMethod = 'notify' | 'appendEntry' | 'countTokens' | 'getTree' | 'getTools' | 'getToolCost' | 'update'

export type LogLevel = 'log' | 'info' | 'warn' | 'error' | 'debug' | 'stdout' | 'stderr'

export type HostToCore =
  | { type: 'loaded'; result: Result<HostRegistrations> }
  | { type: 'result'; id: number; result: Result<unknown> }
  | { type: 'request'; id: number; callId: number; method: HostRequestMethod; args: unknown[] }
  | { type: 'log'; level: LogLevel; text: string }
  /** An error the extension did not catch; the host keeps serving. */
  | { type: 'error'; origin: 'uncaughtException' | 'unhandledRejection'; message: string }
  | { type: 'pong'; id: number; rssBytes: number; heapUsedBytes: number }

/** A `command` call's answer, normalised. */
export type CommandOutput = { text: string; sendToModel: boolean }
