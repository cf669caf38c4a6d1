import { useEffect } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { OverflowPolicy } from '../../../../shared/contextBudget'
import type { AppState } from '../../store/AppState'
import type { DraftCount } from '../../store/createChatSlice'
import { useArbor } from '../../store/useArbor'

const selectComposition = (s: AppState) => ({
  composition: s.session.composition,
  toolsEnabled: s.session.toolsEnabled,
  setToolsEnabled: s.setToolsEnabled,
  // What the running extensions' tools would cost (known with a model loaded).
  toolCount: s.extensions.reduce((n, e) => n + (e.running ? e.tools.length : 0), 0),
  toolCost: s.extensions.reduce((n, e) => n + (e.running ? (e.toolTokens ?? 0) : 0), 0),
  draft: s.draft.trim(),
  leafId: s.session.leafId,
  seq: s.session.seq,
  draftCount: s.draftCount,
  countDraft: s.countDraft,
  ownPolicy: s.session.overflowPolicy,
  defaultPolicy: s.settings.overflowPolicy,
  setOverflowPolicy: s.setOverflowPolicy,
})

/** Counts the draft at the position while the user types: after a pause, and again when the session changes. */
function useDraftCount(draft: string, leafId: string | null, seq: number, loaded: boolean, countDraft: (text: string) => Promise<void>) {
  useEffect(() => {
    if (!loaded) return
    const timer = setTimeout(() => void countDraft(draft), draft ? 250 : 0)
    return () => clearTimeout(timer)
  }, [draft, leafId, seq, loaded, countDraft])
}

const POLICY_LABELS: Record<OverflowPolicy, string> = { compact: 'compact', truncateMiddle: 'drop the middle', stop: 'refuse' }

/** What happens when a turn would not fit: chosen per session, or the app's default (Settings). */
function PolicySelect({ own, fallback, onChange }: { own: OverflowPolicy | null; fallback: OverflowPolicy; onChange(policy: OverflowPolicy | null): void }) {
  return (
    <label
      className="overflow-policy"
      title="What a message that would not fit the context does in this session: summarise the old part (Pi's compaction), leave out the middle of the conversation, or be refused. The default is set in Settings."
    >
      When full:{' '}
      <select data-testid="overflow-policy" value={own ?? ''} onChange={(e) => onChange(e.target.value === '' ? null : (e.target.value as OverflowPolicy))}>
        <option value="">default ({POLICY_LABELS[fallback]})</option>
        {(Object.keys(POLICY_LABELS) as OverflowPolicy[]).map((p) => (
          <option key={p} value={p}>
            {POLICY_LABELS[p]}
          </option>
        ))}
      </select>
    </label>
  )
}

/** The draft's cost and what sending it would do, once the core has counted it. */
function DraftStatus({ count, draftTokens, historyTokens, policy, about }: { count: DraftCount; draftTokens: number; historyTokens: number; policy: OverflowPolicy; about: string }) {
  const { promptTokens, maxPromptTokens, compactAt } = count
  const fmt = (n: number) => n.toLocaleString('en-US')
  const level = promptTokens > maxPromptTokens ? 'over' : promptTokens > compactAt ? 'near' : 'ok'
  const what =
    level === 'over'
      ? promptTokens - historyTokens > maxPromptTokens
        ? 'too long for this context even without the conversation: it will be refused'
        : policy === 'stop'
        ? 'too long: it will be refused'
        : policy === 'compact'
          ? 'too long: sending compacts the conversation first, or is refused if that is not enough'
          : 'too long: sending leaves out the middle of the conversation, or is refused if that is not enough'
      : level === 'near' && policy === 'compact'
        ? 'near the limit: sending compacts the conversation first'
        : null
  return (
    <span className={`draft-status draft-${level}`} data-testid="draft-status" data-level={level} role={level === 'over' ? 'status' : undefined}>
      Draft <b data-testid="draft-tokens">{about}{fmt(draftTokens)}</b> · with it <b data-testid="draft-total">{about}{fmt(promptTokens)}</b> of {fmt(maxPromptTokens)} for the prompt
      {what && <span className="draft-what"> — {what}</span>}
    </span>
  )
}

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
  const { composition, toolsEnabled, setToolsEnabled, toolCount, toolCost, draft, leafId, seq, draftCount, countDraft, ownPolicy, defaultPolicy, setOverflowPolicy } =
    useArbor(useShallow(selectComposition))
  const policy = ownPolicy ?? defaultPolicy
  useDraftCount(draft, leafId, seq, composition !== null, countDraft)
  const toggle = <ToolsToggle enabled={toolsEnabled} count={toolCount} cost={toolCost} onToggle={() => void setToolsEnabled(!toolsEnabled)} />
  if (!composition)
    return (
      <div className="composition muted small" data-testid="composition">
        Token counts of the context appear once a model is loaded. {toggle}
      </div>
    )
  const { systemPromptTokens, toolTokens, historyTokens, historyMessages: depth, templateTokens, contextSize } = composition
  const used = systemPromptTokens + toolTokens + historyTokens + templateTokens
  // A server that cannot count tokens: every figure is an estimate (four characters a token).
  const about = composition.approximate ? '≈' : ''
  const counted = draftCount && draftCount.text === draft && draftCount.leafId === leafId ? draftCount : null
  // The draft's part: what the prompt takes with it, less what it takes without it.
  const draftTokens = counted && draft ? Math.max(0, counted.promptTokens - used) : 0
  const level = counted ? (counted.promptTokens > counted.maxPromptTokens ? 'over' : counted.promptTokens > counted.compactAt ? 'near' : 'ok') : used > contextSize ? 'over' : 'ok'
  const over = level === 'over'
  return (
    <div className={`composition small${over ? ' over' : level === 'near' ? ' near' : ''}`} data-testid="composition" title="Tokens the model reads before your next message">
      <div className="composition-track" aria-hidden="true">
        <span className="composition-seg seg-system" style={{ width: percent(systemPromptTokens, contextSize) }} />
        <span className="composition-seg seg-tools" style={{ width: percent(toolTokens, contextSize) }} />
        <span className="composition-seg seg-history" style={{ width: percent(historyTokens, contextSize) }} />
        <span className="composition-seg seg-template" style={{ width: percent(templateTokens, contextSize) }} />
        {draftTokens > 0 && <span className="composition-seg seg-draft" data-testid="composition-draft" style={{ width: percent(draftTokens, contextSize) }} />}
      </div>
      <div className="composition-legend">
        <span>
          <i className="swatch seg-system" /> System prompt <b data-testid="composition-system">{about}{systemPromptTokens}</b>
        </span>
        {toolTokens > 0 && (
          <span title="Function-calling instructions and the definitions of the tools extensions offer">
            <i className="swatch seg-tools" /> Tools <b data-testid="composition-tools">{about}{toolTokens}</b>
          </span>
        )}
        <span>
          <i className="swatch seg-history" /> History ({depth} {depth === 1 ? 'message' : 'messages'}) <b data-testid="composition-history">{about}{historyTokens}</b>
        </span>
        <span title="The chat template's own tokens: role markers and separators around the messages">
          <i className="swatch seg-template" /> Template{' '}
          <b data-testid="composition-template" title={composition.estimated ? 'Estimated: the conversation is far longer than the context, so it is not rendered whole' : undefined}>
            {composition.estimated || composition.approximate ? '≈' : ''}
            {templateTokens}
          </b>
        </span>
        {toggle}
        <PolicySelect own={ownPolicy} fallback={defaultPolicy} onChange={(p) => void setOverflowPolicy(p)} />
        <span className="composition-total" title={composition.approximate ? 'The server cannot count tokens: these are estimates, about four characters a token' : undefined}>
          {about}
          {used} of <b data-testid="composition-context">{contextSize}</b> context
        </span>
      </div>
      {counted && draft && <DraftStatus count={counted} draftTokens={draftTokens} historyTokens={historyTokens} policy={policy} about={about} />}
    </div>
  )
}
