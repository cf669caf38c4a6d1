import type { ExtensionContext } from './ExtensionContext'
import type { ExtensionEvents, HookName } from './ExtensionEvents'
import type { JsonObjectSchema } from './JsonSchema'

export type { ExtensionContext, ModelInfo, NodeSnapshot, ToolCostReport, ToolInfo } from './ExtensionContext'
export type * from './ExtensionEvents'
export type { JsonObjectSchema, JsonSchema } from './JsonSchema'

/** A function the model can call. */
export type ToolDefinition<Args = Record<string, unknown>> = {
  /** `[A-Za-z_][A-Za-z0-9_-]*`, at most 64 characters; unique across extensions. */
  name: string
  /** What the model reads to decide when to call it. */
  description: string
  /** JSON Schema of the arguments (an object schema). */
  parameters: JsonObjectSchema
  /** Its result is sent to the model as JSON (a string as is). At most 1 MB. */
  execute(args: Args, ctx: ExtensionContext): unknown
}

/** What a command returns: a string (shown, not sent) or text with the choice to send it to the model. */
export type CommandResult = string | { text: string; sendToModel?: boolean } | void

/** `/name args`: code run by the user, without the model. */
export type CommandDefinition = {
  /** One line, shown in autocomplete. */
  description: string
  /** `args` is everything after `/name `, as typed. */
  run(args: string, ctx: ExtensionContext): CommandResult | Promise<CommandResult>
}

export type HookHandler<E extends HookName> = (
  event: ExtensionEvents[E]['event'],
  ctx: ExtensionContext,
) => ExtensionEvents[E]['result'] | Promise<ExtensionEvents[E]['result']>

/** The object an extension's default export receives. Register everything while loading. */
export interface ExtensionAPI {
  /** The extension's name from its manifest (the file name for a single file without one). */
  readonly name: string
  /** The settings the user gave this extension (with the manifest's defaults). */
  readonly settings: Readonly<Record<string, string>>
  registerTool<Args = Record<string, unknown>>(tool: ToolDefinition<Args>): void
  /** `name` without the slash: `[a-z0-9][a-z0-9_:-]*`; unique across extensions. */
  registerCommand(name: string, command: CommandDefinition): void
  on<E extends HookName>(event: E, handler: HookHandler<E>): void
}

/** The shape of an extension's entry: `export default function (arbor: ExtensionAPI) { ... }`. */
export type ExtensionFactory = (arbor: ExtensionAPI) => void | Promise<void>
