import type { LlamaChat, LlamaContextSequence, Token } from 'node-llama-cpp'
import { ArborFailure } from '../../../shared/errors'
import type { GenerationPriority } from '../../../shared/engine/engineTypes'

/** A context sequence with its own chat, holding one branch (or one client's conversation) warm in the KV cache. */
export type Slot = { index: number; sequence: LlamaContextSequence; chat: LlamaChat; lastUsed: number; busy: boolean }

/** The sequence a generation gets, and the warm prefix to copy into it first (from another, idle sequence). */
export type Assignment = { slot: Slot; copyFrom: { slot: Slot; tokens: number } | null }

type Waiter = { prompt: readonly Token[]; priority: GenerationPriority; resolve(assignment: Assignment): void; reject(error: unknown): void }

export const commonPrefixLength = (a: readonly number[], b: readonly number[]): number => {
  let i = 0
  while (i < a.length && i < b.length && a[i] === b[i]) i++
  return i
}

/**
 * node-llama-cpp copies KV cells between sequences (llama.cpp's seq_cp: shared cells, no new memory) for its own
 * prefix sharing; the method is internal, so Arbor checks it is there and falls back to evaluating the prefix
 * again when it is not.
 */
type CopyCapable = { _copyStateFromOtherSequence?(other: LlamaContextSequence, upToTokenIndex: number): Promise<boolean> }

/**
 * Shares a context's sequences between generations: up to one per sequence at once, the rest waiting in a bounded
 * queue (interactive before background, first come first served within each), `ENGINE_BUSY` past its bound. A
 * generation gets the idle sequence sharing the longest prefix with its prompt; when using it would throw away
 * another warm branch, that prefix is first copied into the least recently used idle sequence, which takes the
 * generation instead.
 */
export class SequenceScheduler {
  private readonly waiting: Waiter[] = []
  private turns = 0

  constructor(
    private readonly slots: readonly Slot[],
    /** Generations that may wait for a sequence. */
    readonly queueLimit: number,
  ) {}

  get running(): number {
    return this.slots.filter((s) => s.busy).length
  }

  get queued(): number {
    return this.waiting.length
  }

  /**
   * A sequence for `prompt`: at once when one is idle and nobody of the same or a higher priority waits, else when
   * it is this generation's turn. `ahead` is how many go first. Throws `ENGINE_BUSY` when the queue is full; the
   * assignment rejects with the signal's reason when it aborts while waiting.
   */
  request(prompt: readonly Token[], priority: GenerationPriority, signal: AbortSignal): { ahead: number; immediate: boolean; assignment: Promise<Assignment> } {
    const ahead = this.waiting.filter((w) => priority === 'background' || w.priority === 'interactive').length
    if (ahead === 0) {
      const now = this.assign(prompt)
      if (now) return { ahead: 0, immediate: true, assignment: Promise.resolve(now) }
    }
    if (this.waiting.length >= this.queueLimit)
      throw new ArborFailure('ENGINE_BUSY', `The model is busy: ${this.running} answers are being written and ${this.waiting.length} wait. Try again shortly.`, {
        running: this.running,
        queued: this.waiting.length,
        queueLimit: this.queueLimit,
      })
    const assignment = new Promise<Assignment>((resolve, reject) => {
      const waiter: Waiter = { prompt, priority, resolve, reject }
      // Interactive waiters go before every background one; each keeps its place among its own kind.
      const at = priority === 'interactive' ? this.waiting.findIndex((w) => w.priority === 'background') : -1
      this.waiting.splice(at === -1 ? this.waiting.length : at, 0, waiter)
      const abort = () => {
        const index = this.waiting.indexOf(waiter)
        if (index < 0) return
        this.waiting.splice(index, 1)
        reject(signal.reason)
      }
      if (signal.aborted) abort()
      else signal.addEventListener('abort', abort, { once: true })
    })
    return { ahead, immediate: false, assignment }
  }

  /** An assignment its generation will not use: its sequences are idle again. */
  unassign(assignment: Assignment): void {
    if (assignment.copyFrom) this.release(assignment.copyFrom.slot)
    this.release(assignment.slot)
  }

  /** Copies the assignment's warm prefix into its sequence (if any); the source sequence is then free again. */
  async prepare(assignment: Assignment): Promise<number> {
    const { slot, copyFrom } = assignment
    if (!copyFrom) return 0
    try {
      const copy = (slot.sequence as unknown as CopyCapable)._copyStateFromOtherSequence
      const copied = typeof copy === 'function' ? await copy.call(slot.sequence, copyFrom.slot.sequence, copyFrom.tokens).catch(() => false) : false
      if (!copied) await slot.sequence.clearHistory()
      return copied ? copyFrom.tokens : 0
    } finally {
      this.release(copyFrom.slot)
    }
  }

  /** The sequence is idle again: the next waiter that fits gets one. */
  release(slot: Slot): void {
    slot.busy = false
    while (this.waiting.length > 0) {
      const assignment = this.assign(this.waiting[0]!.prompt)
      if (!assignment) return
      this.waiting.shift()!.resolve(assignment)
    }
  }

  /** Chooses among the idle sequences (see the class comment) and marks what it uses busy; null when none is idle. */
  private assign(prompt: readonly Token[]): Assignment | null {
    const idle = this.slots.filter((s) => !s.busy)
    if (idle.length === 0) return null
    const scored = idle.map((slot) => ({ slot, common: commonPrefixLength(slot.sequence.contextTokens, prompt) }))
    scored.sort((a, b) => b.common - a.common || b.slot.lastUsed - a.slot.lastUsed)
    const best = scored[0]!
    const wouldDiscard = best.slot.sequence.contextTokens.length > best.common
    let assignment: Assignment = { slot: best.slot, copyFrom: null }
    if (wouldDiscard && idle.length > 1) {
      const others = idle.filter((s) => s !== best.slot)
      const victim = others.find((s) => s.sequence.contextTokens.length === 0) ?? others.reduce((a, b) => (b.lastUsed < a.lastUsed ? b : a))
      assignment = { slot: victim, copyFrom: best.common > 0 ? { slot: best.slot, tokens: best.common } : null }
    }
    assignment.slot.busy = true
    assignment.slot.lastUsed = ++this.turns
    if (assignment.copyFrom) assignment.copyFrom.slot.busy = true
    return assignment
  }
}
