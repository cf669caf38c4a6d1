import { randomBytes } from 'node:crypto'
import type { ToolInfo } from '../../../shared/extensions/ExtensionContext'
import type { ToolCallRef } from '../../../shared/extensions/ExtensionEvents'
import { withoutNullOptionals } from '../../../shared/extensions/toolSchemaForModel'
import type { ToolResultMessage } from '../../../shared/session/sessionTypes'
import type { ModelToolCall } from '../../../shared/engine/engineTypes'
import type { ExtensionCallContext } from '../extensions/ExtensionCallContext'
import type { Extensions } from '../extensions/Extensions'

/** Longest tool output stored and read back to the model, in characters; the rest is cut with a note. */
export const MAX_TOOL_RESULT_CHARS = 100_000
/**
 * A result may take about half the context: at ~4 characters a token, 2 characters per context token. A longer one
 * would push the conversation out of the window.
 */
export const TOOL_RESULT_CHARS_PER_CONTEXT_TOKEN = 2

/** The model's calls as Pi `toolCall` blocks: each with an id, its arguments as the tool will receive them. */
export function toToolCallRefs(calls: readonly ModelToolCall[], tools: readonly Pick<ToolInfo, 'name' | 'parameters'>[] | readonly { name: string; parameters: unknown }[]): ToolCallRef[] {
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

const capped = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, max)}\n[… ${(text.length - max).toLocaleString('en')} more characters cut by Arbor]`

const resultMessage = (call: ToolCallRef, text: string, isError: boolean, details: Record<string, unknown>, maxChars = MAX_TOOL_RESULT_CHARS): ToolResultMessage => ({
  role: 'toolResult',
  toolCallId: call.id,
  toolName: call.name,
  content: [{ type: 'text', text: capped(text, maxChars) }],
  details,
  isError,
  timestamp: Date.now(),
})

/** The result of a call that was not run because the user stopped the turn first. */
export const toolNotRun = (call: ToolCallRef): ToolResultMessage => resultMessage(call, 'Not run: the user stopped the turn.', true, { stopped: true })

export type RunToolCallOptions = {
  /**
   * Stop: the call is answered at once as stopped, and the tool is told (`ctx.signal` in its host); one that does
   * not listen is stopped by its timeout, its answer dropped.
   */
  signal?: AbortSignal
  /** Progress a long tool reports (`ctx.onUpdate`). Defaults to none. */
  onUpdate?: (text: string) => void
  /** Longest result text. Defaults to `MAX_TOOL_RESULT_CHARS`. */
  maxChars?: number
}

/**
 * Runs one call through the extensions (their `toolCall` hooks first, then the tool in its host, with its
 * timeout) and answers the Pi `toolResult` message to store. Never throws: a blocked call, a failing or
 * missing tool is a result with `isError`, which the model reads like any other.
 */
export async function runToolCall(call: ToolCallRef, extensions: Extensions | null, ctx: ExtensionCallContext, options: RunToolCallOptions = {}): Promise<ToolResultMessage> {
  const message = (text: string, isError: boolean, details: Record<string, unknown>) => resultMessage(call, text, isError, details, options.maxChars)
  if (!extensions) return message(`There is no tool "${call.name}": extensions are off.`, true, {})
  const extension = extensions.toolDefinitions().find((t) => t.name === call.name)?.extension ?? null
  const { signal } = options
  const stopped = new Promise<'stopped'>((resolve) => {
    if (signal?.aborted) resolve('stopped')
    signal?.addEventListener('abort', () => resolve('stopped'), { once: true })
  })
  const outcome = await Promise.race([extensions.callTool(call.name, call.arguments, ctx, { signal, onUpdate: options.onUpdate }), stopped])
  if (outcome === 'stopped') return message(`Stopped by the user before "${call.name}" answered.`, true, { extension, stopped: true })
  if (!outcome.ok) return message(`The tool "${call.name}" failed: ${outcome.error.message}`, true, { extension, code: outcome.error.code })
  const { value, blocked } = outcome.value
  if (blocked) return message(asText(value), true, { extension, blockedBy: blocked.extension })
  return message(asText(value), false, { extension })
}
