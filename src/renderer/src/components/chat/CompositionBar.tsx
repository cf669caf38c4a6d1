import { useShallow } from 'zustand/react/shallow'
import type { AppState } from '../../store/AppState'
import { useArbor } from '../../store/useArbor'

const selectComposition = (s: AppState) => ({ composition: s.session.composition, depth: s.path.length })

const percent = (part: number, whole: number): string => `${Math.min(100, (part / Math.max(1, whole)) * 100).toFixed(2)}%`

/** What the next turn starts from: system prompt and history tokens at the current position, against the context size. */
export function CompositionBar() {
  const { composition, depth } = useArbor(useShallow(selectComposition))
  if (!composition)
    return (
      <div className="composition muted small" data-testid="composition">
        Token counts of the context appear once a model is loaded.
      </div>
    )
  const { systemPromptTokens, historyTokens, contextSize } = composition
  const used = systemPromptTokens + historyTokens
  const over = used > contextSize
  return (
    <div className={`composition small${over ? ' over' : ''}`} data-testid="composition" title="Tokens the model reads before your next message">
      <div className="composition-track" aria-hidden="true">
        <span className="composition-seg seg-system" style={{ width: percent(systemPromptTokens, contextSize) }} />
        <span className="composition-seg seg-history" style={{ width: percent(historyTokens, contextSize) }} />
      </div>
      <div className="composition-legend">
        <span>
          <i className="swatch seg-system" /> System prompt <b data-testid="composition-system">{systemPromptTokens}</b>
        </span>
        <span>
          <i className="swatch seg-history" /> History ({depth} {depth === 1 ? 'message' : 'messages'}) <b data-testid="composition-history">{historyTokens}</b>
        </span>
        <span className="composition-total">
          {used} of <b data-testid="composition-context">{contextSize}</b> context
        </span>
      </div>
    </div>
  )
}
