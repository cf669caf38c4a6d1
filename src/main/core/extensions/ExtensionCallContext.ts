import type { ModelInfo, NodeSnapshot } from '../../../shared/extensions/ExtensionContext'
import type { ToolForModel } from '../../../shared/extensions/toolTokenCost'

/**
 * What the core gives every call into an extension: data, and callbacks the host reaches through the
 * channel. `extension` names the caller.
 */
export type ExtensionCallContext = {
  /** Root → current position, oldest first. */
  path: readonly NodeSnapshot[]
  systemPrompt: string
  model: ModelInfo | null
  /** The whole tree; asked for only when an extension calls `ctx.getTree()`. */
  tree: () => readonly NodeSnapshot[] | Promise<readonly NodeSnapshot[]>
  notify: (text: string, extension: string) => void
  /** Stores a Pi `custom` entry in the open session. */
  appendEntry: (customType: string, data: unknown, extension: string) => void | Promise<void>
  /** Tokens a set of tools adds to every prompt with the loaded model. Defaults to none: extensions get null. */
  toolPromptTokens?: (tools: readonly ToolForModel[]) => number | Promise<number>
  /** Tokens of a text with the loaded model. Defaults to none: extensions get null. */
  countTokens?: (text: string) => number | Promise<number>
}
