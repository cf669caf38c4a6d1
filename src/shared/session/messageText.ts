import type { SessionEntry } from './sessionTypes'

/** The text blocks of a string-or-blocks content, joined by newlines; other blocks (images, thinking, tool calls) are left out. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  const texts: string[] = []
  for (const block of content as unknown[]) {
    if (typeof block !== 'object' || block === null) continue
    const { type, text } = block as { type?: unknown; text?: unknown }
    if (type === 'text' && typeof text === 'string') texts.push(text)
  }
  return texts.join('\n')
}

/**
 * The text a person reads for an entry: a message's text blocks (a user's string as is; an assistant's text,
 * without thinking or tool calls; a tool result's output), a bash execution as `$ command` and its output, the
 * summary of a branch or compaction, a custom message's content. Empty for entries without text and for
 * malformed ones.
 */
export function messageText(entry: SessionEntry): string {
  switch (entry.type) {
    case 'message': {
      const message: unknown = entry.message
      if (typeof message !== 'object' || message === null) return ''
      const m = message as { role?: unknown; content?: unknown; summary?: unknown; command?: unknown; output?: unknown }
      if (m.role === 'branchSummary' || m.role === 'compactionSummary') return typeof m.summary === 'string' ? m.summary : ''
      if (m.role === 'bashExecution') {
        const output = typeof m.output === 'string' && m.output !== '' ? `\n${m.output}` : ''
        return typeof m.command === 'string' ? `$ ${m.command}${output}` : ''
      }
      return contentText(m.content)
    }
    case 'custom_message':
      return contentText(entry.content)
    case 'custom': {
      const text = (entry.data as { text?: unknown } | undefined)?.text
      return entry.customType === 'arbor.command' && typeof text === 'string' ? text : ''
    }
    case 'branch_summary':
    case 'compaction':
      return typeof entry.summary === 'string' ? entry.summary : ''
    default:
      return ''
  }
}

/** An assistant message's reasoning: its `thinking` blocks joined by blank lines; empty when it has none. */
export function thinkingText(entry: SessionEntry): string {
  if (entry.type !== 'message' || typeof entry.message !== 'object' || entry.message === null) return ''
  const m = entry.message as { role?: unknown; content?: unknown }
  if (m.role !== 'assistant' || !Array.isArray(m.content)) return ''
  const parts: string[] = []
  for (const block of m.content as unknown[]) {
    if (typeof block !== 'object' || block === null) continue
    const { type, thinking } = block as { type?: unknown; thinking?: unknown }
    if (type === 'thinking' && typeof thinking === 'string' && thinking.trim() !== '') parts.push(thinking)
  }
  return parts.join('\n\n')
}
