import type { ContextMessage } from '../extensions/ExtensionEvents'
import type { CompactionEntry, SessionEntry } from '../session/sessionTypes'
import { contentText } from '../session/messageText'
import { toolCallsOf, toolResultOf } from '../session/toolParts'

export { COMMAND_OUTPUT_TYPE, isShownOnly } from '../session/isArborCustom'

export type { ContextMessage }

// Pi's wrappers (pi-coding-agent `core/messages.ts`), byte for byte: the model sees a summary as Pi shows it.
export const COMPACTION_SUMMARY_PREFIX = 'The conversation history before this point was compacted into the following summary:\n\n<summary>\n'
export const COMPACTION_SUMMARY_SUFFIX = '\n</summary>'
export const BRANCH_SUMMARY_PREFIX = 'The following is a summary of a branch that this conversation came back from:\n\n<summary>\n'
export const BRANCH_SUMMARY_SUFFIX = '</summary>'

/**
 * The model the context is for, as Pi compares it (pi-ai `transformMessages`): an assistant message written by the
 * same model keeps its reasoning to itself; one by another model has its reasoning sent as text. `id` undefined
 * matches every model of that provider and API.
 */
export type ContextModel = { provider: string; api: string; id?: string }

/** Arbor's own engine: the messages Arbor wrote (`api: 'arbor'`) are its own, whichever file was loaded. */
export const ARBOR_ENGINE_MODEL: ContextModel = { provider: 'llama.cpp', api: 'arbor' }

export type ContextOptions = { hidden?: ReadonlySet<string>; model?: ContextModel }

type Bash = { command?: unknown; output?: unknown; exitCode?: unknown; cancelled?: unknown; truncated?: unknown; fullOutputPath?: unknown }

/** A bash execution as the user message Pi sends for it (`bashExecutionToText`). */
export function bashExecutionText(m: Bash): string {
  let text = `Ran \`${String(m.command ?? '')}\`\n`
  text += typeof m.output === 'string' && m.output ? `\`\`\`\n${m.output}\n\`\`\`` : '(no output)'
  if (m.cancelled === true) text += '\n\n(command cancelled)'
  else if (typeof m.exitCode === 'number' && m.exitCode !== 0) text += `\n\nCommand exited with code ${m.exitCode}`
  if (m.truncated === true && typeof m.fullOutputPath === 'string' && m.fullOutputPath) text += `\n\n[Output truncated. Full output: ${m.fullOutputPath}]`
  return text
}


/**
 * Which entries of a path Pi reads (`buildSessionContext`): with a compaction on the path, the latest one's summary
 * first, then the path from its `firstKeptEntryId` up to it, then what follows it; without one, the whole path.
 */
export function contextEntries(path: readonly SessionEntry[]): { entries: readonly SessionEntry[]; compaction: CompactionEntry | null } {
  let at = -1
  for (let i = path.length - 1; i >= 0; i--) {
    if (path[i]!.type === 'compaction') {
      at = i
      break
    }
  }
  if (at < 0) return { entries: path, compaction: null }
  const compaction = path[at] as CompactionEntry
  const kept = path.findIndex((e, i) => i < at && e.id === compaction.firstKeptEntryId)
  return { entries: [compaction, ...(kept >= 0 ? path.slice(kept, at) : []), ...path.slice(at + 1)], compaction }
}

/** An assistant's text as pi-ai sends it: its non-blank text blocks, with another model's reasoning as text, joined. */
function assistantText(m: Record<string, unknown>, model: ContextModel): string {
  if (!Array.isArray(m.content)) return ''
  const same = m.provider === model.provider && m.api === model.api && (model.id === undefined || m.model === model.id)
  const texts: string[] = []
  for (const block of m.content as unknown[]) {
    if (typeof block !== 'object' || block === null) continue
    const b = block as { type?: unknown; text?: unknown; thinking?: unknown; redacted?: unknown }
    if (b.type === 'text' && typeof b.text === 'string' && b.text.trim() !== '') texts.push(b.text)
    else if (b.type === 'thinking' && !same && b.redacted !== true && typeof b.thinking === 'string' && b.thinking.trim() !== '') texts.push(b.thinking)
  }
  return texts.join('')
}

/** One entry as what Pi's `convertToLlm` makes of it, before the provider's pass; null when it sends nothing. */
function entryMessage(entry: SessionEntry, compaction: CompactionEntry | null, model: ContextModel): (ContextMessage & { dropped?: boolean }) | null {
  const id = entry.id
  switch (entry.type) {
    case 'message': {
      const m = entry.message as unknown as Record<string, unknown> | null
      if (typeof m !== 'object' || m === null) return null
      switch (m.role) {
        case 'user':
          if (Array.isArray(m.content) && m.content.length === 0) return null
          return { role: 'user', text: contentText(m.content), id }
        case 'assistant': {
          const toolCalls = toolCallsOf(entry)
          const message: ContextMessage & { dropped?: boolean } = { role: 'assistant', text: assistantText(m, model), id }
          if (toolCalls.length) message.toolCalls = toolCalls
          // Pi drops a turn that failed or was stopped (pi-ai `transformMessages`), and an assistant with nothing to say.
          if (m.stopReason === 'error' || m.stopReason === 'aborted') message.dropped = true
          return message
        }
        case 'toolResult': {
          const text = contentText(m.content)
          return { role: 'toolResult', text: text || '(see attached image)', id, ...toolResultOf(entry)! }
        }
        case 'bashExecution':
          return m.excludeFromContext === true ? null : { role: 'user', text: bashExecutionText(m as Bash), id }
        case 'custom':
          return { role: 'user', text: contentText(m.content), id }
        case 'branchSummary':
          return { role: 'user', text: BRANCH_SUMMARY_PREFIX + String(m.summary ?? '') + BRANCH_SUMMARY_SUFFIX, id }
        case 'compactionSummary':
          return { role: 'user', text: COMPACTION_SUMMARY_PREFIX + String(m.summary ?? '') + COMPACTION_SUMMARY_SUFFIX, id }
        default:
          return null
      }
    }
    case 'custom_message':
      return { role: 'user', text: contentText(entry.content), id }
    case 'branch_summary':
      return entry.summary ? { role: 'user', text: BRANCH_SUMMARY_PREFIX + entry.summary + BRANCH_SUMMARY_SUFFIX, id } : null
    case 'compaction':
      return entry === compaction ? { role: 'user', text: COMPACTION_SUMMARY_PREFIX + entry.summary + COMPACTION_SUMMARY_SUFFIX, id } : null
    default:
      return null
  }
}

/**
 * The path-to-context step, in one place, and the same as Pi's (`buildSessionContext`, `convertToLlm`, then the
 * provider's `transformMessages` and `convertMessages`), so that a session file gives the model the same messages
 * in Arbor and in Pi: the latest compaction replaces what it summarised; summaries, bash executions and custom
 * messages are read as user messages with Pi's wrappers; failed or stopped assistant turns, bash runs marked
 * `excludeFromContext` and shown-only command outputs are left out; a tool call left without a result gets
 * Pi's "No result provided" error result; another model's reasoning is sent as text (see `ContextModel`).
 * Nodes in `hidden` never reach the model. Extensions' context hooks rewrite this list before evaluation.
 */
export function contextMessages(path: readonly SessionEntry[], options: ContextOptions = {}): ContextMessage[] {
  const { hidden = new Set<string>(), model = ARBOR_ENGINE_MODEL } = options
  const { entries, compaction } = contextEntries(path)
  const messages: ContextMessage[] = []
  let pending: { id: string; name: string }[] = []
  const answered = new Set<string>()
  const settlePending = () => {
    for (const call of pending) {
      if (!answered.has(call.id)) messages.push({ role: 'toolResult', text: 'No result provided', toolCallId: call.id, toolName: call.name, isError: true })
    }
    pending = []
    answered.clear()
  }
  for (const entry of entries) {
    if (hidden.has(entry.id)) continue
    const message = entryMessage(entry, compaction, model)
    if (message === null) continue
    if (message.role === 'assistant') {
      settlePending()
      const { dropped, ...sent } = message
      if (dropped) continue
      if (sent.toolCalls?.length) pending = sent.toolCalls.map((c) => ({ id: c.id, name: c.name }))
      if (sent.text === '' && !sent.toolCalls?.length) continue
      messages.push(sent)
    } else if (message.role === 'toolResult') {
      if (message.toolCallId) answered.add(message.toolCallId)
      messages.push(message)
    } else {
      settlePending()
      messages.push(message)
    }
  }
  settlePending()
  return messages
}
