import type { TurnStats } from '../types'

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
  }
}
