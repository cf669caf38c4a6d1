import { fail, ok, type Result } from '../../../shared/errors'
import type { ExtensionContext } from '../../../shared/extensions/ExtensionContext'
import type { ContextEvent, ContextResult, HookName } from '../../../shared/extensions/ExtensionEvents'
import type { CallKind, CommandOutput } from '../../../shared/extensions/hostProtocol'
import type { HostRegistry } from './createHostApi'
import { isContextMessages } from '../../../shared/extensions/normalizeContextMessages'
import { fitsInBytes } from './fitsInBytes'
import { toHostError } from './toHostError'

const HOOK_RESULT_FACTOR = 16

function normaliseCommand(out: unknown): CommandOutput {
  if (out === undefined || out === null) return { text: '', sendToModel: false }
  if (typeof out === 'string') return { text: out, sendToModel: false }
  if (typeof out === 'object' && typeof (out as CommandOutput).text === 'string') {
    return { text: (out as CommandOutput).text, sendToModel: (out as CommandOutput).sendToModel === true }
  }
  throw new TypeError(`a command must return a string or { text, sendToModel? }, got ${typeof out}`)
}

async function runHooks(registry: HostRegistry, name: HookName, payload: unknown, ctx: ExtensionContext): Promise<unknown> {
  const handlers = registry.hooks.get(name) ?? []
  if (name === 'context') {
    let event = payload as ContextEvent
    const changed: ContextResult = {}
    for (const handler of handlers) {
      const r = (await handler(event, ctx)) as ContextResult | undefined
      if (r === undefined || r === null) continue
      if (typeof r !== 'object') throw new TypeError('a context handler must return { systemPrompt?, messages? } or nothing')
      if (r.systemPrompt !== undefined) {
        if (typeof r.systemPrompt !== 'string') throw new TypeError('context: systemPrompt must be a string')
        changed.systemPrompt = r.systemPrompt
      }
      if (r.messages !== undefined) {
        if (!isContextMessages(r.messages)) throw new TypeError('context: messages must be an array of { role: "user" | "assistant" | "toolResult", text }')
        changed.messages = r.messages
      }
      event = { ...event, ...changed }
    }
    return changed.systemPrompt === undefined && changed.messages === undefined ? null : changed
  }
  for (const handler of handlers) {
    const r = (await handler(payload as never, ctx)) as { block?: unknown; reason?: unknown } | undefined
    if (name === 'toolCall' && r && typeof r === 'object' && r.block === true) {
      return { block: true, reason: typeof r.reason === 'string' && r.reason ? r.reason.slice(0, 2000) : 'Blocked by an extension.' }
    }
  }
  return null
}

/** Runs one call from the core against the extension's registrations; every failure comes back as data. */
export async function runHostCall(
  registry: HostRegistry,
  kind: CallKind,
  name: string,
  payload: unknown,
  ctx: ExtensionContext,
  maxResultBytes: number,
): Promise<Result<unknown>> {
  const where = kind === 'command' ? `/${name}` : kind === 'tool' ? `tool ${name}` : `${name} handler`
  let value: unknown
  try {
    if (kind === 'command') {
      const command = registry.commands.get(name)
      if (!command) return fail('COMMAND_NOT_FOUND', `No command /${name} in this extension.`)
      value = normaliseCommand(await command.run(typeof payload === 'string' ? payload : '', ctx))
    } else if (kind === 'tool') {
      const tool = registry.tools.get(name)
      if (!tool) return fail('EXTENSION_NOT_FOUND', `No tool "${name}" in this extension.`)
      value = (await tool.execute(payload as Record<string, unknown>, ctx)) ?? null
    } else {
      value = await runHooks(registry, name as HookName, payload, ctx)
    }
  } catch (error) {
    return { ok: false, error: toHostError(error, where) }
  }
  // A context hook hands back the whole conversation: it gets more room than a tool's answer.
  const limit = kind === 'hook' ? maxResultBytes * HOOK_RESULT_FACTOR : maxResultBytes
  if (!fitsInBytes(value, limit)) {
    return fail('EXTENSION_FAILED', `${where}: the result is larger than ${Math.round(limit / 1024)} KB and was refused.`, { limitBytes: limit })
  }
  try {
    return ok(value === undefined ? null : JSON.parse(JSON.stringify(value)))
  } catch (error) {
    return fail('EXTENSION_FAILED', `${where}: the result is not JSON (${(error as Error).message}).`)
  }
}
