import { formatDuration } from '../../../../shared/format'
import type { TurnStats } from '../../../../shared/types'

const stopReasons: Record<TurnStats['stopReason'], string> = {
  eos: 'end of text',
  maxTokens: 'token limit',
  stopped: 'stopped',
  error: 'error',
  toolUse: 'tool call',
}

/** What one turn cost: prompt and generated tokens, latency, speed, threads, why it stopped. */
export function MessageStats({ stats }: { stats: TurnStats }) {
  const items: { key: string; label: string; value: string }[] = [
    { key: 'promptTokens', label: 'context', value: `${stats.promptTokens} of ${stats.contextSize} tok` },
    { key: 'reusedTokens', label: 'reused', value: `${stats.reusedTokens} tok` },
    { key: 'evaluatedTokens', label: 'evaluated', value: `${stats.evaluatedTokens} tok` },
    { key: 'generatedTokens', label: 'generated', value: `${stats.generatedTokens} tok` },
    { key: 'timeToFirstTokenMs', label: 'first token', value: formatDuration(stats.timeToFirstTokenMs) },
    { key: 'tokensPerSecond', label: 'speed', value: `${stats.tokensPerSecond.toFixed(1)} tok/s` },
    // 0: the answer came from a server, whose threads are its own.
    ...(stats.threads > 0 ? [{ key: 'threads', label: 'threads', value: String(stats.threads) }] : []),
    { key: 'stopReason', label: 'stop', value: stopReasons[stats.stopReason] },
  ]
  // The session's "drop the middle" policy left these out so that the prompt fitted.
  if (stats.droppedMessages) items.splice(1, 0, { key: 'droppedMessages', label: 'left out', value: `${stats.droppedMessages} middle messages (context full)` })
  const sampling = stats.sampling
  if (sampling) {
    const parts = [sampling.temperature === 0 ? 'greedy' : `temp ${sampling.temperature}`]
    if (sampling.temperature > 0) {
      if (sampling.topK > 0) parts.push(`top-k ${sampling.topK}`)
      if (sampling.topP < 1) parts.push(`top-p ${sampling.topP}`)
      if (sampling.minP > 0) parts.push(`min-p ${sampling.minP}`)
    }
    if (sampling.repeatPenalty !== 1) parts.push(`repeat ${sampling.repeatPenalty}/${sampling.repeatLastTokens}`)
    items.push({ key: 'sampling', label: 'sampling', value: parts.join(' · ') }, { key: 'seed', label: 'seed', value: String(sampling.seed) })
  }
  return (
    <ul className="message-stats" data-testid="message-stats">
      {items.map((i) => (
        <li key={i.key} data-testid={`stat-${i.key}`} data-value={i.key === 'stopReason' ? stats.stopReason : undefined}>
          <span className="muted">{i.label}</span> {i.value}
        </li>
      ))}
    </ul>
  )
}
