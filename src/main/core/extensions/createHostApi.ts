import type { CommandDefinition, ExtensionAPI, HookHandler, ToolDefinition } from '../../../shared/extensions/ExtensionAPI'
import { hookNames, type HookName } from '../../../shared/extensions/ExtensionEvents'
import type { HostRegistrations } from '../../../shared/extensions/hostProtocol'
import { checkJsonSchema } from '../../../shared/extensions/checkJsonSchema'
import { COMMAND_NAME, TOOL_NAME } from '../../../shared/extensions/extensionNames'

/** What one extension registered, with its code; lives inside the host process. */
export type HostRegistry = {
  tools: Map<string, ToolDefinition>
  commands: Map<string, CommandDefinition>
  hooks: Map<HookName, HookHandler<HookName>[]>
}

const MAX_DESCRIPTION = 4000

/**
 * The `ExtensionAPI` object handed to an extension's default export. Registrations are checked as they
 * are made (a bad one throws, so loading fails with its message) and refused once loading is over.
 */
export function createHostApi(name: string, settings: Record<string, string>): {
  api: ExtensionAPI
  registry: HostRegistry
  /** Ends the registration window; returns what was registered, as plain data. */
  seal: () => HostRegistrations
} {
  const registry: HostRegistry = { tools: new Map(), commands: new Map(), hooks: new Map() }
  let sealed = false
  const open = (what: string) => {
    if (sealed) throw new Error(`${what}: register while the extension loads (in its default export), not later.`)
  }
  const api: ExtensionAPI = {
    name,
    settings: Object.freeze({ ...settings }),
    registerTool(tool) {
      open('registerTool')
      if (typeof tool !== 'object' || tool === null) throw new Error('registerTool: expected { name, description, parameters, execute }.')
      if (typeof tool.name !== 'string' || !TOOL_NAME.test(tool.name)) {
        throw new Error(`registerTool: invalid tool name ${JSON.stringify(tool.name)} (letters, digits, "_" or "-", at most 64, not starting with a digit).`)
      }
      if (registry.tools.has(tool.name)) throw new Error(`registerTool: tool "${tool.name}" is registered twice.`)
      if (typeof tool.description !== 'string' || tool.description.length > MAX_DESCRIPTION) {
        throw new Error(`registerTool "${tool.name}": description must be a string of at most ${MAX_DESCRIPTION} characters.`)
      }
      if (typeof tool.execute !== 'function') throw new Error(`registerTool "${tool.name}": execute must be a function.`)
      const problem = checkJsonSchema(tool.parameters)
      if (problem) throw new Error(`registerTool "${tool.name}": invalid JSON Schema: ${problem}.`)
      registry.tools.set(tool.name, tool as ToolDefinition)
    },
    registerCommand(commandName, command) {
      open('registerCommand')
      const bare = typeof commandName === 'string' ? commandName.replace(/^\//, '') : commandName
      if (typeof bare !== 'string' || !COMMAND_NAME.test(bare)) {
        throw new Error(`registerCommand: invalid command name ${JSON.stringify(commandName)} (lowercase letters, digits, "_", ":" or "-").`)
      }
      if (registry.commands.has(bare)) throw new Error(`registerCommand: command "/${bare}" is registered twice.`)
      if (typeof command !== 'object' || command === null || typeof command.run !== 'function') {
        throw new Error(`registerCommand "/${bare}": expected { description, run(args, ctx) }.`)
      }
      if (typeof command.description !== 'string') throw new Error(`registerCommand "/${bare}": description must be a string.`)
      registry.commands.set(bare, command)
    },
    on(event, handler) {
      open('on')
      if (!(hookNames as readonly string[]).includes(event)) throw new Error(`on: unknown event ${JSON.stringify(event)} (one of ${hookNames.join(', ')}).`)
      if (typeof handler !== 'function') throw new Error(`on("${event}"): the handler must be a function.`)
      const list = registry.hooks.get(event) ?? []
      list.push(handler as unknown as HookHandler<HookName>)
      registry.hooks.set(event, list)
    },
  }
  const seal = (): HostRegistrations => {
    sealed = true
    return {
      tools: [...registry.tools.values()].map((t) => ({
        name: t.name,
        description: t.description,
        parameters: JSON.parse(JSON.stringify(t.parameters)) as Record<string, unknown>,
      })),
      commands: [...registry.commands.entries()].map(([n, c]) => ({ name: n, description: c.description })),
      hooks: [...registry.hooks.keys()],
    }
  }
  return { api, registry, seal }
}
