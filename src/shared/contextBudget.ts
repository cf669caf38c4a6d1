/**
 * How a context's tokens are shared between the prompt and the answer, in one place for the engine (which refuses a
 * prompt that does not fit), the turns (which compact or truncate before that) and the UI (which warns while typing).
 */

/** The fewest tokens left for an answer: a prompt that leaves less is refused, not started. */
export const MIN_ANSWER_TOKENS = 16

/**
 * The most tokens a prompt may take in a context of `contextSize`: llama.cpp's chat starts shifting its window
 * when less than a tenth of the context is free, and Arbor never lets it (a shifted window forgets the start of
 * the prompt without saying so); then a minimum answer.
 */
export function maxPromptTokens(contextSize: number): number {
  return Math.max(0, contextSize - Math.ceil(contextSize / 10) - MIN_ANSWER_TOKENS)
}

/** What happens to a turn whose prompt would not fit: summarise the old part (Pi's compaction), drop the middle, or refuse. */
export type OverflowPolicy = 'compact' | 'truncateMiddle' | 'stop'
export const OVERFLOW_POLICIES: readonly OverflowPolicy[] = ['compact', 'truncateMiddle', 'stop']
export const DEFAULT_OVERFLOW_POLICY: OverflowPolicy = 'compact'

/** The user's own compaction sizes (app settings); null takes the scaled default. */
export type CompactionOverrides = { reserveTokens: number | null; keepRecentTokens: number | null }
export const NO_OVERRIDES: CompactionOverrides = { reserveTokens: null, keepRecentTokens: null }

/**
 * Pi's compaction settings scaled to a local context. Pi keeps `reserveTokens` 16,384 free for the summary and the
 * next answer and `keepRecentTokens` 20,000 of recent history, for windows of 128k–200k tokens; in a 4k–32k window
 * those would be the whole context. Arbor takes a quarter of the context as the reserve and 30% as the recent part
 * kept (never more than Pi's numbers, never less than 512 and 256): 1,024 and 1,228 in a 4,096-token context,
 * 8,192 and 9,830 in 32,768. A size the user set is taken as it is, but never more than half the context (a larger
 * reserve would compact before every turn, a larger recent part would leave nothing to summarise).
 */
export function compactionSettings(contextSize: number, overrides: CompactionOverrides = NO_OVERRIDES): { reserveTokens: number; keepRecentTokens: number } {
  const clamp = (n: number, low: number, high: number) => Math.min(high, Math.max(low, Math.round(n)))
  const half = Math.max(1, Math.floor(contextSize / 2))
  const own = (n: number | null, scaled: number) => (n === null ? scaled : Math.min(half, Math.max(1, Math.round(n))))
  return {
    reserveTokens: own(overrides.reserveTokens, clamp(contextSize * 0.25, 512, 16_384)),
    keepRecentTokens: own(overrides.keepRecentTokens, clamp(contextSize * 0.3, 256, 20_000)),
  }
}

/** Whether a prompt of `promptTokens` should be compacted first: it leaves less than the reserve free (Pi's `shouldCompact`). */
export const shouldCompact = (promptTokens: number, contextSize: number, overrides: CompactionOverrides = NO_OVERRIDES): boolean =>
  promptTokens > contextSize - compactionSettings(contextSize, overrides).reserveTokens

/** The words of a refusal: the numbers and what the user can do. */
export function overflowMessage(promptTokens: number, contextSize: number): string {
  const max = maxPromptTokens(contextSize)
  return (
    `This turn needs ${promptTokens.toLocaleString('en-US')} prompt tokens; a ${contextSize.toLocaleString('en-US')}-token context takes at most ` +
    `${max.toLocaleString('en-US')} and leaves the rest for the answer. Compact the conversation (/compact), shorten the message, ` +
    `continue from an earlier node, or load the model with a larger context.`
  )
}
