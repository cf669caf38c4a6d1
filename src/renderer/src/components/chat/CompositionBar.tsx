import { useShallow } from 'zustand/react/shallow'
import type { AppState } from '../../store/AppState'
import { useArbor } from '../../store/useArbor'

const selectComposition = (s: AppState) => ({
  composition: s.session.composition,
  depth: s.path.length,
  toolsEnabled: s.session.toolsEnabled,
  setToolsEnabled: s.setToolsEnabled,
  // What the running extensions' tools would cost (known with a model loaded).
  toolCount: s.extensions.reduce((n, e) => n + (e.running ? e.tools.length : 0), 0),
  toolCost: s.extensions.reduce((n, e) => n + (e.running ? (e.toolTokens ?? 0) : 0), 0),
})

/** Tools on or off for this session: they cost tokens in every prompt, so they are off until asked for. */
function ToolsToggle({ enabled, count, cost, onToggle }: { enabled: boolean; count: number; cost: number; onToggle(): void }) {
  if (!enabled && count === 0) return null
  return (
    <button
      type="button"
      className={`btn btn-small tools-toggle${enabled ? ' is-active' : ''}`}
      data-testid="tools-toggle"
      aria-pressed={enabled}
      title={
        enabled
          ? 'The extensions’ tools are offered to the model in this session. Click to stop offering them (saves their tokens in every prompt).'
          : `Offer the ${count} tools of the running extensions to the model in this session${cost ? ` (about ${cost} tokens in every prompt)` : ''}.`
      }
      onClick={onToggle}
    >
      {enabled ? 'Tools on ✕' : `Tools off · turn on (${count})`}
    </button>
  )
}

const percent = (part: number, whole: number): string => `${Math.min(100, (part / Math.max(1, whole)) * 100).toFixed(2)}%`

/**
 * What the next turn starts from, part by part (system prompt, tools, history, the template's own tokens), against
 * the context size. The parts add up to the prompt the model reads at the current position.
 */
export function CompositionBar() {
  const { composition, depth, toolsEnabled, setToolsEnabled, toolCount, toolCost } = useArbor(useShallow(selectComposition))
  const toggle = <ToolsToggle enabled={toolsEnabled} count={toolCount} cost={toolCost} onToggle={() => void setToolsEnabled(!toolsEnabled)} />
  if (!composition)
    return (
      <div className="composition muted small" data-testid="composition">
        Token counts of the context appear once a model is loaded. {toggle}
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
        {toggle}
        <span className="composition-total">
          {used} of <b data-testid="composition-context">{contextSize}</b> context
        </span>
      </div>
    </div>
  )
}
