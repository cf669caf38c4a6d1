import type { ContextMessage, ToolCallRef } from './ExtensionEvents'

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const ROLES = new Set(['user', 'assistant', 'toolResult'])

/** Whether a hook's `messages` is a list of messages at all: each with a known role and a text. */
export const isContextMessages = (v: unknown): v is ContextMessage[] =>
  Array.isArray(v) && v.every((m) => isRecord(m) && ROLES.has(m.role as string) && typeof m.text === 'string')

const toolCall = (v: unknown): ToolCallRef[] =>
  isRecord(v) && typeof v.id === 'string' && typeof v.name === 'string' ? [{ id: v.id, name: v.name, arguments: isRecord(v.arguments) ? v.arguments : {} }] : []

/**
 * Messages a `context` hook returned, reduced to the fields the engine reads, each of the right type (a hook is
 * someone else's code: a malformed tool call is dropped, not passed on to the chat template). Pure.
 */
export function normalizeContextMessages(messages: readonly ContextMessage[]): ContextMessage[] {
  return messages.map((m) => {
    const out: ContextMessage = { role: m.role, text: m.text }
    if (typeof m.id === 'string') out.id = m.id
    if (m.role === 'assistant' && Array.isArray(m.toolCalls)) {
      const calls = (m.toolCalls as unknown[]).flatMap(toolCall)
      if (calls.length) out.toolCalls = calls
    }
    if (m.role === 'toolResult') {
      if (typeof m.toolCallId === 'string') out.toolCallId = m.toolCallId
      if (typeof m.toolName === 'string') out.toolName = m.toolName
      if (m.isError === true) out.isError = true
    }
    return out
  })
}
