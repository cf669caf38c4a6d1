import type { UsedSampling } from '../sampling'
import type { TurnStats } from '../types'
import type { AssistantMessage } from './sessionTypes'

/** A turn's numbers as Pi's `usage` of an assistant message: evaluated input, output, tokens read from the cache. */
export const piUsageOf = (stats: TurnStats): AssistantMessage['usage'] => ({
  input: stats.evaluatedTokens,
  output: stats.generatedTokens,
  cacheRead: stats.reusedTokens,
  cacheWrite: 0,
  totalTokens: stats.promptTokens + stats.generatedTokens,
  cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 },
})

const STOP_REASONS: readonly TurnStats['stopReason'][] = ['eos', 'maxTokens', 'stopped', 'error', 'toolUse']

/**
 * A turn's numbers from an `arbor.turn` entry, whatever version of Arbor wrote it: fields added since (reused
 * tokens, context size) are derived or zero, counts are whole numbers, nonsense is left out. Null when there is
 * not even a prompt size. A session file is untrusted input: its numbers must not break a view.
 */
export function readTurnStats(data: unknown): TurnStats | null {
  if (typeof data !== 'object' || data === null) return null
  const d = data as Record<string, unknown>
  const number = (key: keyof TurnStats): number | undefined => {
    const v = d[key]
    return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined
  }
  const count = (key: keyof TurnStats): number | undefined => {
    const v = number(key)
    return v === undefined ? undefined : Math.round(v)
  }
  const promptTokens = count('promptTokens')
  if (promptTokens === undefined) return null
  const evaluatedTokens = Math.min(promptTokens, count('evaluatedTokens') ?? promptTokens)
  const stopReason = STOP_REASONS.find((r) => r === d.stopReason) ?? 'eos'
  return {
    promptTokens,
    reusedTokens: count('reusedTokens') ?? promptTokens - evaluatedTokens,
    evaluatedTokens,
    contextSize: count('contextSize') ?? 0,
    generatedTokens: count('generatedTokens') ?? 0,
    timeToFirstTokenMs: number('timeToFirstTokenMs') ?? 0,
    tokensPerSecond: number('tokensPerSecond') ?? 0,
    totalMs: number('totalMs') ?? 0,
    stopReason,
    threads: count('threads') ?? 0,
    ...readSampling(d.sampling),
    ...(count('droppedMessages') ? { droppedMessages: count('droppedMessages') } : {}),
  }
}

/** The sampling stored with a turn, when it is whole and sane; a partial or odd one is left out. */
function readSampling(value: unknown): { sampling?: UsedSampling } {
  if (typeof value !== 'object' || value === null) return {}
  const v = value as Record<string, unknown>
  const numbers = ['temperature', 'topP', 'topK', 'minP', 'repeatPenalty', 'repeatLastTokens', 'seed'] as const
  if (!numbers.every((k) => typeof v[k] === 'number' && Number.isFinite(v[k]))) return {}
  const maxTokens = typeof v.maxTokens === 'number' && Number.isFinite(v.maxTokens) ? v.maxTokens : null
  const stop = Array.isArray(v.stop) ? v.stop.filter((s): s is string => typeof s === 'string').slice(0, 8) : []
  const n = (k: (typeof numbers)[number]) => v[k] as number
  return {
    sampling: {
      temperature: n('temperature'),
      topP: n('topP'),
      topK: n('topK'),
      minP: n('minP'),
      repeatPenalty: n('repeatPenalty'),
      repeatLastTokens: n('repeatLastTokens'),
      seed: n('seed'),
      maxTokens,
      stop,
    },
  }
}
