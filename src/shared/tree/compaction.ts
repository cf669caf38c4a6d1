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

export const TURN_PREFIX_SUMMARIZATION_PROMPT = `This is the PREFIX of a turn that was too large to keep. The SUFFIX (recent work) is retained.

Summarize the prefix to provide context for the retained suffix:

## Original Request
[What did the user ask for in this turn?]

## Early Progress
- [Key decisions and work done in the prefix]

## Context for Suffix
- [Information needed to understand the retained recent work]

Be concise. Focus on what's needed to understand the kept suffix.`

/** The summariser's user message for the start of a split turn (Pi's `generateTurnPrefixSummary`). */
export const turnPrefixRequest = (conversation: string): string => `<conversation>\n${conversation}\n</conversation>\n\n${TURN_PREFIX_SUMMARIZATION_PROMPT}`

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
  /** What the summary replaces, as the model read it (before the turn that is split, if one is). */
  toSummarize: ContextMessage[]
  /**
   * The start of the turn the cut falls in (its user message up to the first kept entry), summarised on its own
   * with Pi's turn-prefix prompt; empty when the cut is at a turn's start.
   */
  turnPrefix: ContextMessage[]
  /** The summary of the compaction before, which the new one updates. */
  previousSummary: string | undefined
  /** How many entries the summary replaces. */
  replacedEntries: number
  /** Files the summarised part read only, and files it edited or wrote (Pi's file lists, with the earlier compaction's). */
  readFiles: string[]
  modifiedFiles: string[]
}

/** Where the turn holding `at` starts (Pi's `findTurnStartIndex`): a user message, a bash execution, a summary or an extension message. */
function turnStart(path: readonly SessionEntry[], at: number, start: number): number {
  for (let i = at; i >= start; i--) {
    const entry = path[i]!
    if (entry.type === 'branch_summary' || entry.type === 'custom_message') return i
    const role = roleOf(entry)
    if (role === 'user' || role === 'bashExecution') return i
  }
  return -1
}

/** Pi's `extractFileOperations`: the paths of `read`, `write` and `edit` calls, and the earlier compaction's lists. */
function fileLists(messages: readonly ContextMessage[], previous: Extract<SessionEntry, { type: 'compaction' }> | undefined) {
  const read = new Set<string>()
  const modified = new Set<string>()
  const details = previous && !previous.fromHook ? (previous.details as { readFiles?: unknown; modifiedFiles?: unknown } | undefined) : undefined
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((f): f is string => typeof f === 'string') : [])
  for (const f of strings(details?.readFiles)) read.add(f)
  for (const f of strings(details?.modifiedFiles)) modified.add(f)
  for (const m of messages) {
    for (const call of m.role === 'assistant' ? (m.toolCalls ?? []) : []) {
      const path = call.arguments.path
      if (typeof path !== 'string') continue
      if (call.name === 'read') read.add(path)
      else if (call.name === 'write' || call.name === 'edit') modified.add(path)
    }
  }
  return { readFiles: [...read].filter((f) => !modified.has(f)).sort(), modifiedFiles: [...modified].sort() }
}

/**
 * Pi's `formatFileOperations`: the file lists as tags after the summary. With `limit`, at most that many paths are
 * written (edited files first), and the tags say how many more there were.
 */
export function fileOperationsText(readFiles: readonly string[], modifiedFiles: readonly string[], limit = Infinity): string {
  const modified = modifiedFiles.slice(0, limit)
  const read = readFiles.slice(0, Math.max(0, limit - modified.length))
  const more = (shown: number, all: number) => (all > shown ? [`(and ${all - shown} more)`] : [])
  const sections: string[] = []
  if (readFiles.length) sections.push(`<read-files>\n${[...read, ...more(read.length, readFiles.length)].join('\n')}\n</read-files>`)
  if (modifiedFiles.length) sections.push(`<modified-files>\n${[...modified, ...more(modified.length, modifiedFiles.length)].join('\n')}\n</modified-files>`)
  return sections.length ? `\n\n${sections.join('\n\n')}` : ''
}

/** Pi's `compact` merge of the history's summary and the split turn's. */
export const mergeSplitTurn = (history: string, turnPrefix: string): string => `${history}\n\n---\n\n**Turn Context (split turn):**\n\n${turnPrefix}`

/**
 * What to summarise so that about `keepRecentTokens` of recent history stay as they are (Pi's `prepareCompaction`
 * and `findCutPoint`): walking back from the newest message until that many tokens are kept, then cutting at the
 * nearest message a turn can resume from at or after it, never at a tool result. A cut inside a turn (at one of its
 * assistant messages) splits it: the turn's start is summarised apart (`turnPrefix`). After an earlier compaction
 * only what it kept and what came after is looked at; its summary is updated. Null when there is nothing to
 * summarise (the path ends with a compaction, or everything is recent).
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
  const splitAt = roleOf(path[cut]!) === 'user' ? -1 : turnStart(path, cut, start)
  const historyEnd = splitAt >= 0 ? splitAt : cut
  const withoutCompactions = (from: number, to: number) => path.slice(from, to).filter((e) => e.type !== 'compaction')
  const toSummarize = contextMessages(withoutCompactions(start, historyEnd))
  const turnPrefix = splitAt >= 0 ? contextMessages(withoutCompactions(splitAt, cut)) : []
  if (toSummarize.length === 0 && turnPrefix.length === 0) return null
  const replaced = withoutCompactions(start, cut).length
  return { firstKeptEntryId: path[cut]!.id, toSummarize, turnPrefix, previousSummary: previous?.summary, replacedEntries: replaced, ...fileLists([...toSummarize, ...turnPrefix], previous) }
}

/** Pi's estimate of a message's tokens (characters / 4), for entries no tokenizer has counted. */
export function estimatedTokens(entry: SessionEntry): number {
  const text = JSON.stringify(entry.type === 'message' ? entry.message : entry)
  return Math.ceil(text.length / 4)
}
