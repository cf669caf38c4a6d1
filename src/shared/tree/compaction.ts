import type { ContextMessage } from '../extensions/ExtensionEvents'
import { contextMessages } from './contextMessages'
import type { SessionEntry } from '../session/sessionTypes'

/**
 * Compaction as Pi does it (pi-coding-agent `core/compaction`): the history before a cut point is summarised by the
 * model and stored as a `compaction` entry naming the first entry kept; the context is then the summary, the kept
 * entries and what follows. The prompts are Pi's, word for word, so a summary made by Arbor reads like Pi's.
 */

export const SUMMARIZATION_SYSTEM_PROMPT = `You are a context summarization assistant. Your task is to read a conversation between a user and an AI coding assistant, then produce a structured summary following the exact format specified.

Do NOT continue the conversation. Do NOT respond to any questions in the conversation. ONLY output the structured summary.`

const FORMAT = `## Goal
[What is the user trying to accomplish? Can be multiple items if the session covers different tasks.]

## Constraints & Preferences
- [Any constraints, preferences, or requirements mentioned by user]
- [Or "(none)" if none were mentioned]

## Progress
### Done
- [x] [Completed tasks/changes]

### In Progress
- [ ] [Current work]

### Blocked
- [Issues preventing progress, if any]

## Key Decisions
- **[Decision]**: [Brief rationale]

## Next Steps
1. [Ordered list of what should happen next]

## Critical Context
- [Any data, examples, or references needed to continue]
- [Or "(none)" if not applicable]

Keep each section concise. Preserve exact file paths, function names, and error messages.`

export const SUMMARIZATION_PROMPT = `The messages above are a conversation to summarize. Create a structured context checkpoint summary that another LLM will use to continue the work.

Use this EXACT format:

${FORMAT}`

export const UPDATE_SUMMARIZATION_PROMPT = `The messages above are NEW conversation messages to incorporate into the existing summary provided in <previous-summary> tags.

Update the existing structured summary with new information. RULES:
- PRESERVE all existing information from the previous summary
- ADD new progress, decisions, and context from the new messages
- UPDATE the Progress section: move items from "In Progress" to "Done" when completed
- UPDATE "Next Steps" based on what was accomplished
- PRESERVE exact file paths, function names, and error messages
- If something is no longer relevant, you may remove it

Use this EXACT format:

## Goal
[Preserve existing goals, add new ones if the task expanded]

## Constraints & Preferences
- [Preserve existing, add new ones discovered]

## Progress
### Done
- [x] [Include previously done items AND newly completed items]

### In Progress
- [ ] [Current work - update based on progress]

### Blocked
- [Current blockers - remove if resolved]

## Key Decisions
- **[Decision]**: [Brief rationale] (preserve all previous, add new)

## Next Steps
1. [Update based on current state]

## Critical Context
- [Preserve important context, add new if needed]

Keep each section concise. Preserve exact file paths, function names, and error messages.`

const TOOL_RESULT_MAX_CHARS = 2000

/** Messages as the text the summariser reads (Pi's `serializeConversation`), so that the model does not continue them. */
export function serializeConversation(messages: readonly ContextMessage[]): string {
  const parts: string[] = []
  for (const m of messages) {
    if (m.role === 'user') {
      if (m.text) parts.push(`[User]: ${m.text}`)
    } else if (m.role === 'assistant') {
      if (m.text) parts.push(`[Assistant]: ${m.text}`)
      const calls = (m.toolCalls ?? []).map((c) => `${c.name}(${Object.entries(c.arguments).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')})`)
      if (calls.length) parts.push(`[Assistant tool calls]: ${calls.join('; ')}`)
    } else if (m.text) {
      const cut = m.text.length > TOOL_RESULT_MAX_CHARS ? `${m.text.slice(0, TOOL_RESULT_MAX_CHARS)}\n\n[... ${m.text.length - TOOL_RESULT_MAX_CHARS} more characters truncated]` : m.text
      parts.push(`[Tool result]: ${cut}`)
    }
  }
  return parts.join('\n\n')
}

/** The summariser's user message for one part of the history, with the summary so far when there is one. */
export function summaryRequest(conversation: string, previousSummary: string | undefined, instructions: string | undefined): string {
  let base = previousSummary ? UPDATE_SUMMARIZATION_PROMPT : SUMMARIZATION_PROMPT
  if (instructions) base = `${base}\n\nAdditional focus: ${instructions}`
  let text = `<conversation>\n${conversation}\n</conversation>\n\n`
  if (previousSummary) text += `<previous-summary>\n${previousSummary}\n</previous-summary>\n\n`
  return text + base
}

const roleOf = (entry: SessionEntry): unknown => (entry.type === 'message' ? (entry.message as { role?: unknown }).role : undefined)

/** Where the kept part may start (Pi's `findValidCutPoints`): at any message a turn can resume from, never a tool result. */
const isCutPoint = (entry: SessionEntry): boolean =>
  entry.type === 'branch_summary' || entry.type === 'custom_message' || (entry.type === 'message' && roleOf(entry) !== 'toolResult')

export type CompactionPlan = {
  /** The first entry the context keeps after the summary. */
  firstKeptEntryId: string
  /** What the summary replaces, as the model read it. */
  toSummarize: ContextMessage[]
  /** The summary of the compaction before, which the new one updates. */
  previousSummary: string | undefined
  /** How many entries the summary replaces. */
  replacedEntries: number
}

/**
 * What to summarise so that about `keepRecentTokens` of recent history stay as they are (Pi's `prepareCompaction`
 * and `findCutPoint`): walking back from the newest message until that many tokens are kept, then cutting at the
 * nearest message a turn can resume from at or after it, never at a tool result. After an earlier compaction only
 * what it kept and what came after is looked at; its summary is updated. Null when there is nothing to summarise
 * (the path ends with a compaction, or everything is recent).
 */
export function planCompaction(path: readonly SessionEntry[], keepRecentTokens: number, tokensOf: (entry: SessionEntry) => number): CompactionPlan | null {
  if (path.length === 0 || path.at(-1)!.type === 'compaction') return null
  let previousAt = -1
  for (let i = path.length - 1; i >= 0; i--) {
    if (path[i]!.type === 'compaction') {
      previousAt = i
      break
    }
  }
  const previous = previousAt >= 0 ? (path[previousAt] as Extract<SessionEntry, { type: 'compaction' }>) : undefined
  let start = 0
  if (previous) {
    const kept = path.findIndex((e) => e.id === previous.firstKeptEntryId)
    start = kept >= 0 ? kept : previousAt + 1
  }
  const cutPoints: number[] = []
  for (let i = start; i < path.length; i++) if (isCutPoint(path[i]!)) cutPoints.push(i)
  if (cutPoints.length === 0) return null
  let cut = cutPoints[0]!
  let kept = 0
  for (let i = path.length - 1; i >= start; i--) {
    if (path[i]!.type !== 'message') continue
    kept += tokensOf(path[i]!)
    if (kept >= keepRecentTokens) {
      cut = cutPoints.find((c) => c >= i) ?? cut
      break
    }
  }
  // Bookkeeping just before the cut (a model change, a label) stays with what is kept.
  while (cut > start && path[cut - 1]!.type !== 'message' && path[cut - 1]!.type !== 'compaction') cut--
  const replaced = path.slice(start, cut).filter((e) => e.type !== 'compaction')
  const toSummarize = contextMessages(replaced)
  if (toSummarize.length === 0) return null
  return { firstKeptEntryId: path[cut]!.id, toSummarize, previousSummary: previous?.summary, replacedEntries: replaced.length }
}

/** Pi's estimate of a message's tokens (characters / 4), for entries no tokenizer has counted. */
export function estimatedTokens(entry: SessionEntry): number {
  const text = JSON.stringify(entry.type === 'message' ? entry.message : entry)
  return Math.ceil(text.length / 4)
}
