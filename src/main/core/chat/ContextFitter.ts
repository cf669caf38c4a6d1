import type { AppSettings } from '../../../shared/appSettings'
import { compactionSettings, maxPromptTokens, overflowMessage, shouldCompact, type OverflowPolicy } from '../../../shared/contextBudget'
import { ArborFailure } from '../../../shared/errors'
import type { ContextMessage } from '../../../shared/extensions/ExtensionEvents'
import {
  fileOperationsText,
  mergeSplitTurn,
  planCompaction,
  serializeConversation,
  summaryRequest,
  SUMMARIZATION_SYSTEM_PROMPT,
  turnPrefixRequest,
  type CompactionPlan,
} from '../../../shared/tree/compaction'
import { renderToolCall } from '../../../shared/session/toolParts'
import type { Engine } from '../engine'
import type { Extensions } from '../extensions/Extensions'
import type { SessionService } from '../sessions/SessionService'

/** Requests a summary may take at most: its first part and the most recent ones (see `compact`). */
const MAX_SUMMARY_PARTS = 4

/** How far a compaction is: its `step`th summary request of `steps`, and the tokens that one has written so far. */
export type CompactProgress = { step: number; steps: number; tokens: number }

/** A turn's context once it fits: where to add the user's message, and what was left out of the middle, if anything. */
export type FittedTurn = { parent: string | null; dropped: { from: number; count: number } | null }

/**
 * Keeps every turn inside the context before it starts: it counts the prompt the turn would need (the chat
 * template's own rendering, tools included) and, when that leaves too little room, applies the session's policy:
 * `compact` summarises the old part with the loaded model into a Pi `compaction` entry, `truncateMiddle` leaves out
 * messages between the first turn and the recent ones, `stop` refuses. What still does not fit is refused with
 * `CONTEXT_OVERFLOW` and its numbers; nothing is added to the session then.
 */
export class ContextFitter {
  constructor(
    private readonly sessions: SessionService,
    private readonly engine: Engine,
    private readonly extensions: Extensions | null,
    /** The app settings now (the compaction sizes the user set). */
    private readonly settings: () => AppSettings,
    /** Told while a compaction is written, a few times a second at most. */
    private readonly onProgress: (progress: CompactProgress) => void = () => undefined,
  ) {}

  /** The reserve and the recent part kept for the loaded model's context, with the user's sizes. */
  private get sizes() {
    return compactionSettings(this.contextSize, this.settings())
  }

  private get contextSize(): number {
    const loaded = this.engine.loaded
    if (!loaded) throw new ArborFailure('NO_MODEL_LOADED', 'Load a model before sending a message.')
    return loaded.settings.contextSize
  }

  private tools() {
    return this.sessions.toolsEnabled ? [...(this.extensions?.toolDefinitions() ?? [])] : []
  }

  /**
   * Tokens of the prompt for these messages with the session's system prompt and tools: the chat template's own
   * rendering. A history far past any context (more than 16 characters per context token) is not rendered whole,
   * which would hold the process for most of a second per 500k tokens: its texts are counted in batches that let
   * other requests in, and that floor is what is returned (it is over the limit either way).
   */
  async promptTokens(messages: ContextMessage[]): Promise<number> {
    const systemPrompt = this.sessions.systemPrompt()
    const chars = messages.reduce((n, m) => n + m.text.length, systemPrompt.length)
    if (chars > 16 * this.contextSize) {
      const texts = messages.map((m) => (m.toolCalls?.length ? [m.text, ...m.toolCalls.map(renderToolCall)].join('\n') : m.text))
      return (await this.engine.countTokens([systemPrompt, ...texts])).reduce((a, b) => a + b, 0)
    }
    return this.engine.promptTokens({ systemPrompt, messages, tools: this.tools() })
  }

  /** Makes room for a user message of `text` under `parent`, as the policy says; throws `CONTEXT_OVERFLOW` when it cannot. */
  async beforeTurn(parent: string | null, text: string, policy: OverflowPolicy, signal: AbortSignal): Promise<FittedTurn> {
    const contextSize = this.contextSize
    const withUser = (at: string | null) => [...this.sessions.contextAt(at), { role: 'user' as const, text }]
    let tokens = await this.promptTokens(withUser(parent))
    const plan = policy === 'compact' && shouldCompact(tokens, contextSize, this.settings()) ? await this.plan(parent) : null
    if (plan) {
      parent = await this.compact(parent, undefined, signal, plan)
      tokens = await this.promptTokens(withUser(parent))
    }
    if (tokens <= maxPromptTokens(contextSize)) return { parent, dropped: null }
    if (policy === 'truncateMiddle') {
      const dropped = await this.middleToDrop(withUser(parent))
      if (dropped) return { parent, dropped }
    }
    throw overflow(tokens, contextSize)
  }

  /**
   * Summarises the history on the path to `at` that lies before the recent part kept, with the loaded model and
   * Pi's prompts, into a `compaction` entry under `at`; returns its id. A history longer than one request is
   * summarised part by part, each part updating the summary so far (Pi's update prompt).
   * @param planned What `beforeTurn` worked out already (counted once).
   */
  async compact(at: string | null, instructions: string | undefined, signal: AbortSignal, planned?: CompactionPlan): Promise<string> {
    const { reserveTokens } = this.sizes
    const plan = planned ?? (await this.plan(at))
    if (!plan) throw new ArborFailure('BAD_REQUEST', 'There is nothing to compact here: the conversation is all recent, or it was just compacted.')
    const tokensBefore = await this.promptTokens(this.sessions.contextAt(at))
    // Pi gives the summary 80% of the reserve, and a split turn's start another 50%: in a local context that is
    // more than the reserve, and the summary would not leave room for the turn. Here the two share the 80%.
    const budget = Math.floor(0.8 * reserveTokens)
    const split = plan.turnPrefix.length > 0
    const maxTokens = split ? Math.floor((budget * 8) / 13) : budget
    const all = plan.toSummarize.length ? await this.parts(plan.toSummarize, maxTokens, instructions, plan.previousSummary !== undefined) : []
    // A history many contexts long (an imported Pi session) would take one request per context: on a CPU, hours.
    // The summary reads its start (where the goal is) and its most recent parts; the middle is left out, and said so.
    const parts = all.length > MAX_SUMMARY_PARTS ? [all[0]!, ...all.slice(-(MAX_SUMMARY_PARTS - 1))] : all
    const steps = parts.length + (split ? 1 : 0)
    let summary = plan.previousSummary
    for (const [i, part] of parts.entries()) {
      summary = await this.summarise(summaryRequest(part, summary, instructions), maxTokens, signal, { step: i + 1, steps })
    }
    if (split) {
      // Pi's split turn: the start of the turn the cut falls in, summarised apart, then merged.
      const prefixTokens = budget - maxTokens
      const prefix = await this.summarise(turnPrefixRequest(await this.fitText(serializeConversation(plan.turnPrefix), prefixTokens)), prefixTokens, signal, { step: steps, steps })
      summary = mergeSplitTurn(parts.length ? (summary ?? '') : (summary ?? 'No prior history.'), prefix.trim())
    }
    if (!summary?.trim()) throw new ArborFailure('GENERATION_FAILED', 'The model wrote an empty summary; nothing was changed.')
    const { readFiles, modifiedFiles } = plan
    const details = { readFiles, modifiedFiles, by: 'arbor', replacedEntries: plan.replacedEntries, parts: all.length, partsRead: parts.length, splitTurn: split }
    // Pi lists every file; a session that read hundreds would fill a local context with paths: the list in the
    // summary is cut to a tenth of the reserve (the details keep them all, for the next compaction).
    const text = summary.trim() + (await this.fileListText(readFiles, modifiedFiles, Math.floor(reserveTokens / 10)))
    return this.sessions.append({ type: 'compaction', summary: text, firstKeptEntryId: plan.firstKeptEntryId, tokensBefore, details }, at)
  }

  /** Pi's file lists after the summary, with as many paths as fit in `maxTokens`. */
  private async fileListText(readFiles: string[], modifiedFiles: string[], maxTokens: number): Promise<string> {
    const fits = async (limit: number) => {
      const text = fileOperationsText(readFiles, modifiedFiles, limit)
      return (await this.engine.countTokens([text]))[0]! <= maxTokens ? text : null
    }
    const whole = await fits(Infinity)
    if (whole !== null) return whole
    let low = 0
    let high = readFiles.length + modifiedFiles.length
    while (low < high) {
      const mid = (low + high + 1) >> 1
      if ((await fits(mid)) !== null) low = mid
      else high = mid - 1
    }
    return fileOperationsText(readFiles, modifiedFiles, low)
  }

  /**
   * `text` cut to what one summary request can read beside an answer of `answerTokens`: its start and its end, with
   * a note of what was left out between them.
   */
  private async fitText(text: string, answerTokens: number): Promise<string> {
    const contextSize = this.contextSize
    const room = contextSize - Math.ceil(contextSize / 10) - answerTokens - 600
    const [tokens = 0] = await this.engine.countTokens([text])
    if (tokens <= room) return text
    const keep = Math.max(0, Math.floor((text.length * room) / tokens / 2) - 80)
    return `${text.slice(0, keep)}\n\n[... ${text.length - 2 * keep} characters of this turn left out to fit]\n\n${text.slice(-keep)}`
  }

  /** What compacting at `at` would summarise, cut by the loaded model's own token counts. */
  private async plan(at: string | null) {
    const path = this.sessions.entriesTo(at)
    return planCompaction(path, this.sizes.keepRecentTokens, await this.sessions.tokensOfEntries(path))
  }

  /**
   * The history as serialized parts, each small enough that its request leaves room for the summary: the first
   * (unless a summary exists already) with Pi's first prompt, the others with its update prompt and the summary so far.
   */
  private async parts(messages: ContextMessage[], maxTokens: number, instructions: string | undefined, updating: boolean): Promise<string[]> {
    const contextSize = this.contextSize
    const frame = async (previous: string | undefined) =>
      this.engine.promptTokens({ systemPrompt: SUMMARIZATION_SYSTEM_PROMPT, messages: [{ role: 'user', text: summaryRequest('', previous, instructions) }] })
    const room = contextSize - Math.ceil(contextSize / 10) - maxTokens
    // A later part carries the summary so far, which may be as long as a summary may be.
    const later = room - (await frame('x')) - maxTokens
    const first = updating ? later : room - (await frame(undefined))
    if (first < 64) throw new ArborFailure('CONTEXT_OVERFLOW', `A ${contextSize}-token context is too small to summarise in; load the model with a larger context.`)
    const texts = messages.map((m) => serializeConversation([m]))
    const counts = await this.engine.countTokens(texts)
    const parts: string[] = []
    let current: string[] = []
    let used = 0
    let budget = first
    for (let i = 0; i < texts.length; i++) {
      let text = texts[i]!
      let n = counts[i]! + 2
      if (n > budget) {
        // One message longer than a part: its start, cut to fit, and a note of what was cut.
        text = `${text.slice(0, Math.floor((text.length * budget) / n) - 80)}\n\n[... the rest of this message was cut to fit]`
        n = budget
      }
      if (used + n > budget && current.length) {
        parts.push(current.join('\n\n'))
        current = []
        used = 0
        if (later < 64) throw new ArborFailure('CONTEXT_OVERFLOW', `A ${contextSize}-token context is too small to summarise this history in parts; load the model with a larger context.`)
        budget = later
      }
      current.push(text)
      used += n
    }
    if (current.length) parts.push(current.join('\n\n'))
    return parts
  }

  private async summarise(request: string, maxTokens: number, signal: AbortSignal, progress: Omit<CompactProgress, 'tokens'>): Promise<string> {
    if (signal.aborted) throw new ArborFailure('GENERATION_FAILED', 'The compaction was stopped; nothing was changed.')
    let text = ''
    let tokens = 0
    let told = 0
    this.onProgress({ ...progress, tokens })
    for await (const event of this.engine.generate({ systemPrompt: SUMMARIZATION_SYSTEM_PROMPT, messages: [{ role: 'user', text: request }], sampling: { maxTokens } }, signal)) {
      if (event.type === 'text') {
        tokens++
        if (performance.now() - told > 250) {
          told = performance.now()
          this.onProgress({ ...progress, tokens })
        }
      }
      if (event.type !== 'end') continue
      if (event.reason === 'error' || event.reason === 'stopped') throw new ArborFailure('GENERATION_FAILED', event.error?.message ?? 'The compaction was stopped; nothing was changed.')
      text = event.text
      this.onProgress({ ...progress, tokens: event.stats.generatedTokens })
    }
    return text
  }

  /**
   * The fewest middle messages to leave out so the prompt fits: the first turn (up to the second user message)
   * and a recent part that starts at a user message stay. Null when even the first turn and the newest message
   * do not fit.
   */
  private async middleToDrop(messages: ContextMessage[]): Promise<{ from: number; count: number } | null> {
    const limit = maxPromptTokens(this.contextSize)
    const userAt = messages.flatMap((m, i) => (m.role === 'user' ? [i] : []))
    if (userAt.length < 3) return null
    const from = userAt[1]!
    // Candidates: where the kept recent part starts, from the most kept to the least.
    const starts = userAt.slice(2)
    const fits = async (start: number) => (await this.promptTokens([...messages.slice(0, from), ...messages.slice(start)])) <= limit
    if (!(await fits(starts.at(-1)!))) return null
    let low = 0
    let high = starts.length - 1
    while (low < high) {
      const mid = (low + high) >> 1
      if (await fits(starts[mid]!)) high = mid
      else low = mid + 1
    }
    return { from, count: starts[low]! - from }
  }
}

export const overflow = (promptTokens: number, contextSize: number) =>
  new ArborFailure('CONTEXT_OVERFLOW', overflowMessage(promptTokens, contextSize), { promptTokens, maxPromptTokens: maxPromptTokens(contextSize), contextSize })
