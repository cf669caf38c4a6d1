import { fail, ok, type Result } from '../../../shared/errors'
import { checkJsonSchema } from '../../../shared/extensions/checkJsonSchema'
import { hookNames, type HookName } from '../../../shared/extensions/ExtensionEvents'
import { COMMAND_NAME, TOOL_NAME } from '../../../shared/extensions/extensionNames'
import type { HostRegistrations } from '../../../shared/extensions/hostProtocol'

const MAX_ITEMS = 256

/** Checks again, on the core's side, what a host says its extension registered: the host runs untrusted code. */
export function checkRegistrations(raw: unknown): Result<HostRegistrations> {
  const r = raw as Partial<HostRegistrations> | null
  if (!r || !Array.isArray(r.tools) || !Array.isArray(r.commands) || !Array.isArray(r.hooks)) {
    return fail('EXTENSION_INVALID', 'The host sent malformed registrations.')
  }
  if (r.tools.length > MAX_ITEMS || r.commands.length > MAX_ITEMS) return fail('EXTENSION_INVALID', `More than ${MAX_ITEMS} tools or commands.`)
  for (const tool of r.tools) {
    if (typeof tool?.name !== 'string' || !TOOL_NAME.test(tool.name) || typeof tool.description !== 'string') {
      return fail('EXTENSION_INVALID', `Invalid tool registration ${JSON.stringify(tool?.name)}.`)
    }
    const problem = checkJsonSchema(tool.parameters)
    if (problem) return fail('EXTENSION_INVALID', `Tool "${tool.name}": invalid JSON Schema: ${problem}.`)
  }
  for (const command of r.commands) {
    if (typeof command?.name !== 'string' || !COMMAND_NAME.test(command.name) || typeof command.description !== 'string') {
      return fail('EXTENSION_INVALID', `Invalid command registration ${JSON.stringify(command?.name)}.`)
    }
  }
  const hooks = r.hooks.filter((h): h is HookName => (hookNames as readonly string[]).includes(h))
  return ok({
    tools: r.tools.map((t) => ({ name: t.name, description: t.description.slice(0, 4000), parameters: t.parameters })),
    commands: r.commands.map((c) => ({ name: c.name, description: c.description.slice(0, 500) })),
    hooks,
    // A host that does not say is not taken at its word.
    permissionModel: r.permissionModel === true,
  })
}
