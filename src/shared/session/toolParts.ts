import { boundedStringify } from '../boundedJson'
import type { ToolCallRef } from '../extensions/ExtensionEvents'
import type { SessionEntry } from './sessionTypes'

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** The tool calls of an assistant message entry (Pi `toolCall` content blocks), in order; malformed blocks are left out. */
export function toolCallsOf(entry: SessionEntry): ToolCallRef[] {
  if (entry.type !== 'message' || !isRecord(entry.message) || entry.message.role !== 'assistant') return []
  const content = entry.message.content
  if (!Array.isArray(content)) return []
  const calls: ToolCallRef[] = []
  for (const block of content as unknown[]) {
    if (!isRecord(block) || block.type !== 'toolCall' || typeof block.id !== 'string' || typeof block.name !== 'string') continue
    calls.push({ id: block.id, name: block.name, arguments: isRecord(block.arguments) ? block.arguments : {} })
  }
  return calls
}

/** What a `toolResult` message entry answers: the call, the tool, and whether it failed. Null for other entries. */
export function toolResultOf(entry: SessionEntry): { toolCallId: string; toolName: string; isError: boolean } | null {
  if (entry.type !== 'message' || !isRecord(entry.message) || entry.message.role !== 'toolResult') return null
  const m = entry.message
  return {
    toolCallId: typeof m.toolCallId === 'string' ? m.toolCallId : '',
    toolName: typeof m.toolName === 'string' ? m.toolName : 'tool',
    isError: m.isError === true,
  }
}

/** A tool call as one line of text (what the tree and token counts show): `name({"arg": 1})`. */
export const renderToolCall = (call: Pick<ToolCallRef, 'name' | 'arguments'>): string => `${call.name}(${boundedStringify(call.arguments)})`
