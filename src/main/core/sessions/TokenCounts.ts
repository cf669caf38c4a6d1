import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import type { Engine } from '../engine'

/** Texts counted in one call to the engine; the event loop runs between batches. */
const BATCH = 256

/**
 * Token counts of the open session's nodes (and of system prompts) with the loaded model: each counted once, in
 * batches through the engine, so that a long history is counted without stalling other requests. Counts belong to
 * one model: `reset()` forgets them, and a count that was running then is dropped.
 */
export class TokenCounts {
  private readonly byId = new Map<string, number>()
  private readonly byText = new Map<string, number>()
  private generation = 0

  constructor(private readonly engine: Engine) {}

  get(id: string): number | null {
    return this.byId.get(id) ?? null
  }

  /** Another model (or none): every count is unknown again. */
  reset(): void {
    this.generation++
    this.byId.clear()
    this.byText.clear()
  }

  /**
   * Counts the nodes not counted yet, `onBatch` hearing each batch's counts as they come. Resolves with all the new
   * counts; empty when no model is loaded, and cut short when the counts were reset meanwhile.
   */
  async count(items: readonly { id: string; text: () => string }[], onBatch?: (counts: Map<string, number>) => void): Promise<Map<string, number>> {
    const generation = this.generation
    const todo = items.filter((item) => !this.byId.has(item.id))
    const found = new Map<string, number>()
    if (todo.length === 0 || !this.engine.loaded) return found
    for (let i = 0; i < todo.length; i += BATCH) {
      const batch = todo.slice(i, i + BATCH)
      const counts = await this.engine.countTokens(batch.map((item) => item.text())).catch(() => null)
      if (!counts || generation !== this.generation) break
      const batchCounts = new Map(batch.map((item, j) => [item.id, counts[j]!]))
      for (const [id, n] of batchCounts) {
        this.byId.set(id, n)
        found.set(id, n)
      }
      onBatch?.(batchCounts)
      if (i + BATCH < todo.length) await yieldToEventLoop()
    }
    return found
  }

  /** Tokens of a text (a system prompt), cached; null without a model. */
  async ofText(text: string): Promise<number | null> {
    const known = this.byText.get(text)
    if (known !== undefined) return known
    const generation = this.generation
    const [n] = (await this.engine.countTokens([text]).catch(() => null)) ?? []
    if (n === undefined || generation !== this.generation) return null
    if (this.byText.size > 64) this.byText.clear()
    this.byText.set(text, n)
    return n
  }
}
