import type { ContextMessage } from '../../../src/shared/extensions/ExtensionAPI'

/**
 * Shortens the tool results that come before the last `keepTurns` user messages to `maxChars` characters.
 * Pure; answers the new messages, how many were trimmed and the text removed.
 */
export function trimMessages(messages: readonly ContextMessage[], keepTurns: number, maxChars: number): { messages: ContextMessage[]; trimmed: number; removed: string } {
  let userSeen = 0
  let boundary = 0
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]!.role === 'user' && ++userSeen === keepTurns) {
      boundary = i
      break
    }
  }
  if (userSeen < keepTurns) return { messages: [...messages], trimmed: 0, removed: '' }
  let trimmed = 0
  let removed = ''
  const out = messages.map((m, i) => {
    if (i >= boundary || m.role !== 'toolResult' || m.text.length <= maxChars) return m
    trimmed++
    removed += m.text.slice(maxChars)
    return { ...m, text: `${m.text.slice(0, maxChars)}… [${m.text.length - maxChars} characters trimmed]` }
  })
  return { messages: out, trimmed, removed }
}
