import { fail, ok, type ArborError, type Result } from '../../../shared/errors'
import type { ToolInfo } from '../../../shared/extensions/ExtensionContext'
import type { ContextEvent, ExtensionEvents, ToolCallEvent } from '../../../shared/extensions/ExtensionEvents'
import type { ExtensionInfo } from '../../../shared/extensions/ExtensionInfo'
import { isContextMessages, normalizeContextMessages } from '../../../shared/extensions/normalizeContextMessages'
import type { CommandOutput } from '../../../shared/extensions/hostProtocol'
import type { ExtensionCallContext } from './ExtensionCallContext'
import type { CallOptions } from './ExtensionHost'
import { ExtensionRegistry, type ExtensionRegistryOptions, type RunningExtension } from './ExtensionRegistry'

/** Events sent to every extension that listens, without waiting for an answer. */
export type BroadcastEvent = 'turnEnd' | 'sessionStart' | 'modelLoaded'

/** A hook that failed (it was skipped and its extension taken out of service). */
export type HookFailure = { extension: string; error: ArborError }

export type ToolOutcome = {
  /** What goes back to the model: the tool's JSON result, or the reason it was blocked. */
  value: unknown
  blocked: { extension: string; reason: string } | null
}


/**
 * What the core uses of extensions: their commands, tools and hooks, each call run in the extension's own
 * host process with its timeout. Nothing an extension does can fail a turn: a failing hook is skipped.
 */
export class Extensions {
  private constructor(private readonly registry: ExtensionRegistry) {}

  /** Finds the extensions and starts the enabled, trusted ones. */
  static async create(options: ExtensionRegistryOptions = {}): Promise<Extensions> {
    const registry = new ExtensionRegistry(options)
    await registry.start()
    return new Extensions(registry)
  }

  list(): ExtensionInfo[] {
    return this.registry.list()
  }

  /** Every command of every running extension, for autocomplete. */
  commands(): { name: string; description: string; extension: string }[] {
    return this.registry.running().flatMap((r) => r.registrations.commands.map((c) => ({ ...c, extension: r.name })))
  }

  /** Tools to offer the model (node-llama-cpp function definitions: name, description, JSON Schema parameters). */
  toolDefinitions(): ToolInfo[] {
    return this.registry.tools()
  }

  /** Runs `/name args`. Its text is shown; it goes to the model only when `sendToModel` says so. */
  async runCommand(name: string, args: string, ctx: ExtensionCallContext, options: Pick<CallOptions, 'signal'> = {}): Promise<Result<CommandOutput & { extension: string }>> {
    const bare = name.replace(/^\//, '')
    const owner = this.registry.running().find((r) => r.registrations.commands.some((c) => c.name === bare))
    if (!owner) return fail('COMMAND_NOT_FOUND', `No command /${bare}.`)
    const result = await owner.host.call('command', bare, args, ctx, options)
    if (!result.ok) return result
    const out = result.value as CommandOutput
    return ok({ text: String(out?.text ?? ''), sendToModel: out?.sendToModel === true, extension: owner.name })
  }

  /**
   * Lets every `context` handler rewrite the system prompt and messages about to be evaluated, in order, each
   * seeing the previous one's result. A handler that fails or times out is skipped.
   */
  async runContextHooks(event: ContextEvent, ctx: ExtensionCallContext): Promise<{ event: ContextEvent; changedBy: string[]; failures: HookFailure[] }> {
    let current = event
    const changedBy: string[] = []
    const failures: HookFailure[] = []
    for (const extension of this.listening('context')) {
      const result = await extension.host.call('hook', 'context', current, ctx)
      if (!result.ok) {
        failures.push(this.hookFailed(extension, result.error))
        continue
      }
      const value = result.value as { systemPrompt?: unknown; messages?: unknown } | null
      if (!value) continue
      const next = { ...current }
      if (typeof value.systemPrompt === 'string') next.systemPrompt = value.systemPrompt
      if (isContextMessages(value.messages)) next.messages = normalizeContextMessages(value.messages)
      current = next
      changedBy.push(extension.name)
    }
    return { event: current, changedBy, failures }
  }

  /**
   * Asks every `toolCall` handler about a call (any tool's); the first block wins. A handler that fails or times out
   * blocks the call too: a guard that cannot answer must not let everything through.
   */
  async runToolCallHooks(event: ToolCallEvent, ctx: ExtensionCallContext): Promise<{ blocked: ToolOutcome['blocked']; failures: HookFailure[] }> {
    const failures: HookFailure[] = []
    for (const extension of this.listening('toolCall')) {
      const result = await extension.host.call('hook', 'toolCall', event, ctx)
      if (!result.ok) {
        failures.push(this.hookFailed(extension, result.error))
        return { blocked: { extension: extension.name, reason: `its toolCall hook failed (${result.error.message}), so the call was not run` }, failures }
      }
      const value = result.value as { block?: unknown; reason?: unknown } | null
      if (value?.block === true) return { blocked: { extension: extension.name, reason: String(value.reason ?? '') }, failures }
    }
    return { blocked: null, failures }
  }

  /** Calls an extension's tool after the `toolCall` hooks; a block answers the reason as the result. */
  async callTool(name: string, args: unknown, ctx: ExtensionCallContext, options: Pick<CallOptions, 'signal' | 'onUpdate'> = {}): Promise<Result<ToolOutcome>> {
    const owner = this.registry.running().find((r) => r.registrations.tools.some((t) => t.name === name))
    if (!owner) return fail('EXTENSION_NOT_FOUND', `No extension offers the tool "${name}".`)
    const { blocked } = await this.runToolCallHooks({ name, args }, ctx)
    if (blocked) return ok({ value: `Blocked by extension "${blocked.extension}": ${blocked.reason}`, blocked })
    const result = await owner.host.call('tool', name, args ?? {}, ctx, options)
    return result.ok ? ok({ value: result.value, blocked: null }) : result
  }

  /** Tells every listener; resolves when all answered or timed out (callers need not wait). */
  async emit<E extends BroadcastEvent>(event: E, payload: ExtensionEvents[E]['event'], ctx: ExtensionCallContext): Promise<HookFailure[]> {
    const results = await Promise.all(
      this.listening(event).map(async (extension) => {
        const result = await extension.host.call('hook', event, payload, ctx)
        return result.ok ? null : this.hookFailed(extension, result.error)
      }),
    )
    return results.filter((f): f is HookFailure => f !== null)
  }

  enable = (name: string) => this.registry.enable(name)
  disable = (name: string) => this.registry.disable(name)
  reload = (name: string) => this.registry.reload(name)
  install = (path: string) => this.registry.install(path)
  uninstall = (name: string) => this.registry.uninstall(name)
  setSettings = (name: string, settings: Record<string, string>) => this.registry.setSettings(name, settings)
  setWorkspace = (workspace: { folder: string; trusted: boolean } | null) => this.registry.setWorkspace(workspace)
  allow = (name: string, permissions: string[]) => this.registry.allow(name, permissions)
  trustWorkspace = (folder: string, trusted: boolean) => this.registry.trustWorkspace(folder, trusted)

  dispose(): Promise<void> {
    return this.registry.dispose()
  }

  private listening(hook: keyof ExtensionEvents): RunningExtension[] {
    return this.registry.running().filter((r) => r.registrations.hooks.includes(hook))
  }

  /** A timeout already stopped the host; any other failure of a hook takes the extension out of service too. */
  private hookFailed(extension: RunningExtension, error: ArborError): HookFailure {
    if (error.code !== 'EXTENSION_TIMEOUT') this.registry.fault(extension.name, error)
    return { extension: extension.name, error }
  }
}
