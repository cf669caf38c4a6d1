import { randomBytes } from 'node:crypto'
import type { ToolInfo } from '../../shared/extensions/ExtensionContext'
import type { ToolCallRef } from '../../shared/extensions/ExtensionEvents'
import { withoutNullOptionals } from '../../shared/extensions/toolSchemaForModel'
import type { ToolResultMessage } from '../../shared/session/sessionTypes'
import type { ExtensionCallContext } from './extensions/ExtensionCallContext'
import type { Extensions } from './extensions/Extensions'
import type { ModelToolCall } from './engine/ModelRuntime'

/** Longest tool output stored and read back to the model, in characters; the rest is cut with a note. */
export const MAX_TOOL_RESULT_CHARS = 100_000

/** The model's calls as Pi `toolCall` blocks: each with an id, its arguments as the tool will receive them. */
export function toToolCallRefs(calls: readonly ModelToolCall[], tools: readonly ToolInfo[]): ToolCallRef[] {
  return calls.map((call) => {
    const args = withoutNullOptionals(call.arguments, tools.find((t) => t.name === call.name)?.parameters)
    return {
      id: `call_${randomBytes(6).toString('hex')}`,
      name: call.name,
      arguments: typeof args === 'object' && args !== null && !Array.isArray(args) ? (args as Record<string, unknown>) : {},
    }
  })
}

const asText = (value: unknown): string => {
  if (typeof value === 'string') return value
  if (value === undefined) return ''
  try {
    return JSON.stringify(value)
  } catch {
    return String(value)
  }
}

const capped = (text: string): string =>
  text.length <= MAX_TOOL_RESULT_CHARS
    ? text
    : `${text.slice(0, MAX_TOOL_RESULT_CHARS)}\n[… ${(text.length - MAX_TOOL_RESULT_CHARS).toLocaleString('en')} more characters cut by Arbor]`

/**
 * Runs one call through the extensions (their `toolCall` hooks first, then the tool in its host, with its
 * timeout) and answers the Pi `toolResult` message to store. Never throws: a blocked call, a failing or
 * missing tool is a result with `isError`, which the model reads like any other.
 */
export async function runToolCall(call: ToolCallRef, extensions: Extensions | null, ctx: ExtensionCallContext): Promise<ToolResultMessage> {
  const message = (text: string, isError: boolean, details: Record<string, unknown>): ToolResultMessage => ({
    role: 'toolResult',
    toolCallId: call.id,
    toolName: call.name,
    content: [{ type: 'text', text: capped(text) }],
    details,
    isError,
    timestamp: Date.now(),
  })
  if (!extensions) return message(`There is no tool "${call.name}": extensions are off.`, true, {})
  const extension = extensions.toolDefinitions().find((t) => t.name === call.name)?.extension ?? null
  const outcome = await extensions.callTool(call.name, call.arguments, ctx)
  if (!outcome.ok) return message(`The tool "${call.name}" failed: ${outcome.error.message}`, true, { extension, code: outcome.error.code })
  const { value, blocked } = outcome.value
  if (blocked) return message(asText(value), true, { extension, blockedBy: blocked.extension })
  return message(asText(value), false, { extension })
}
