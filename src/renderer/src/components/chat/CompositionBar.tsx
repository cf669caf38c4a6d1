import { useShallow } from 'zustand/react/shallow'
import type { AppState } from '../../store/AppState'
import { useArbor } from '../../store/useArbor'

const selectComposition = (s: AppState) => ({ composition: s.session.composition, depth: s.path.length })

const percent = (part: number, whole: number): string => `${Math.min(100, (part / Math.max(1, whole)) * 100).toFixed(2)}%`

/**
 * What the next turn starts from, part by part (system prompt, tools, history, the template's own tokens), against
 * the context size. The parts add up to the prompt the model reads at the current position.
 */
export function CompositionBar() {
  const { composition, depth } = useArbor(useShallow(selectComposition))
  if (!composition)
    return (
      <div className="composition muted small" data-testid="composition">
        Token counts of the context appear once a model is loaded.
      </div>
    )
  const { systemPromptTokens, toolTokens, historyTokens, templateTokens, contextSize } = composition
  const used = systemPromptTokens + toolTokens + historyTokens + templateTokens
  const over = used > contextSize
  return (
    <div className={`composition small${over ? ' over' : ''}`} data-testid="composition" title="Tokens the model reads before your next message">
      <div className="composition-track" aria-hidden="true">
        <span className="composition-seg seg-system" style={{ width: percent(systemPromptTokens, contextSize) }} />
        <span className="composition-seg seg-tools" style={{ width: percent(toolTokens, contextSize) }} />
        <span className="composition-seg seg-history" style={{ width: percent(historyTokens, contextSize) }} />
        <span className="composition-seg seg-template" style={{ width: percent(templateTokens, contextSize) }} />
      </div>
      <div className="composition-legend">
        <span>
          <i className="swatch seg-system" /> System prompt <b data-testid="composition-system">{systemPromptTokens}</b>
        </span>
        {toolTokens > 0 && (
          <span title="Function-calling instructions and the definitions of the tools extensions offer">
            <i className="swatch seg-tools" /> Tools <b data-testid="composition-tools">{toolTokens}</b>
          </span>
        )}
        <span>
          <i className="swatch seg-history" /> History ({depth} {depth === 1 ? 'message' : 'messages'}) <b data-testid="composition-history">{historyTokens}</b>
        </span>
        <span title="The chat template's own tokens: role markers and separators around the messages">
          <i className="swatch seg-template" /> Template <b data-testid="composition-template">{templateTokens}</b>
        </span>
        <span className="composition-total">
          {used} of <b data-testid="composition-context">{contextSize}</b> context
        </span>
      </div>
    </div>
  )
}
