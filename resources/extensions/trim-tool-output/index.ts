import type { ExtensionAPI } from '../../../src/shared/extensions/ExtensionAPI'
import { trimMessages } from './trimMessages'

const setting = (value: string | undefined, fallback: number): number => {
  const n = Number(value)
  return Number.isInteger(n) && n >= 0 ? n : fallback
}

/** A `context` hook: old tool results are shortened before the model reads them again. */
export default function trimToolOutput(arbor: ExtensionAPI): void {
  const keepTurns = Math.max(1, setting(arbor.settings.keepTurns, 2))
  const maxChars = setting(arbor.settings.maxChars, 500)
  arbor.on('context', async (event, ctx) => {
    const { messages, trimmed, removed } = trimMessages(event.messages, keepTurns, maxChars)
    if (trimmed === 0) return undefined
    const tokens = await ctx.countTokens(removed)
    const saved = tokens === null ? `${removed.length} characters` : `${tokens} tokens`
    ctx.notify(`Trimmed ${trimmed} old tool result${trimmed === 1 ? '' : 's'}: saved ${saved}.`)
    return { messages }
  })
}
