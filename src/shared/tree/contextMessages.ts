import type { ContextMessage } from '../extensions/ExtensionEvents'
import type { SessionEntry } from '../session/sessionTypes'
import { toolCallsOf, toolResultOf } from '../session/toolParts'
import { treeNodes } from './treeNodes'

export type { ContextMessage }

/** A custom message that is shown but not sent to the model (an extension command's output, unless it asked). */
export function isShownOnly(entry: SessionEntry): boolean {
  if (entry.type !== 'message') return false
  const details = (entry.message as { role?: unknown; details?: unknown }).details
  return typeof details === 'object' && details !== null && (details as { sendToModel?: unknown }).sendToModel === false
}

/**
 * The path-to-context step, in one place: the entries from the root to the position become
 * the messages the model reads. Summaries of branches and compactions are read as user
 * messages (as Pi does); nodes marked hidden never reach the model. An assistant message
 * keeps its tool calls and a tool result what it answers, so the engine can give them to
 * the model in the chat template's function-calling syntax. Extensions' context hooks
 * rewrite this list before evaluation.
 */
export function contextMessages(path: readonly SessionEntry[], hidden: ReadonlySet<string> = new Set()): ContextMessage[] {
  const messages: ContextMessage[] = []
  for (const node of treeNodes(path)) {
    if (hidden.has(node.id)) continue
    switch (node.kind) {
      case 'user':
        messages.push({ role: 'user', text: node.text, id: node.id })
        break
      case 'assistant': {
        const toolCalls = toolCallsOf(node.entry)
        messages.push(toolCalls.length ? { role: 'assistant', text: node.text, id: node.id, toolCalls } : { role: 'assistant', text: node.text, id: node.id })
        break
      }
      case 'toolResult': {
        const result = toolResultOf(node.entry)!
        messages.push({ role: 'toolResult', text: node.text, id: node.id, ...result })
        break
      }
      case 'branchSummary':
        messages.push({ role: 'user', id: node.id, text: `The following is a summary of a branch that this conversation came back from:\n\n${node.text}` })
        break
      case 'compactionSummary':
        messages.push({ role: 'user', id: node.id, text: `The conversation history before this point was compacted into the following summary:\n\n${node.text}` })
        break
      case 'custom':
        if (node.text && !isShownOnly(node.entry)) messages.push({ role: 'user', text: node.text, id: node.id })
        break
    }
  }
  return messages
}
