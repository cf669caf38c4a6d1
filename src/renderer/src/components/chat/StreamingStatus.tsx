import { useCallback } from 'react'
import type { AppState } from '../../store/AppState'
import { useArbor } from '../../store/useArbor'
import { ProgressBar } from '../ProgressBar'

/**
 * What the answer being written is doing: reading its prompt (with how far, for long prompts), then writing, with
 * the tokens so far and the live speed.
 */
export function StreamingStatus({ nodeId }: { nodeId: string }) {
  const streaming = useArbor(useCallback((s: AppState) => (s.streaming?.nodeId === nodeId ? s.streaming : null), [nodeId]))
  if (!streaming) return null
  if (!streaming.tokens) {
    const prompt = streaming.prompt
    return (
      <div className="streaming-status" data-testid="prompt-progress">
        {prompt ? (
          <ProgressBar
            value={prompt.evaluated / Math.max(1, prompt.total)}
            label={`Reading the prompt: ${prompt.evaluated.toLocaleString('en-US')} of ${prompt.total.toLocaleString('en-US')} tokens`}
          />
        ) : (
          <span className="muted small">Reading the prompt…</span>
        )}
      </div>
    )
  }
  const seconds = streaming.firstTokenAt === undefined ? 0 : (performance.now() - streaming.firstTokenAt) / 1000
  const speed = seconds > 0.2 && streaming.tokens > 1 ? (streaming.tokens - 1) / seconds : null
  return (
    <div className="streaming-status muted small" data-testid="live-speed">
      {streaming.tokens.toLocaleString('en-US')} {streaming.tokens === 1 ? 'token' : 'tokens'}{speed !== null ? ` · ${speed.toFixed(1)} tok/s` : ''}
    </div>
  )
}
