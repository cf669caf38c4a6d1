import { useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { AppState } from '../../store/AppState'
import { useArbor } from '../../store/useArbor'

const selectPrompt = (s: AppState) => ({
  systemPrompt: s.session.systemPrompt,
  tokens: s.session.systemPromptTokens,
  saveSystemPrompt: s.saveSystemPrompt,
})

/** The system prompt, always visible: every one of its tokens is paid on every turn. */
export function SystemPromptEditor() {
  const { systemPrompt, tokens, saveSystemPrompt } = useArbor(useShallow(selectPrompt))
  const [draft, setDraft] = useState(systemPrompt)
  const [base, setBase] = useState(systemPrompt)
  const [saving, setSaving] = useState(false)
  if (base !== systemPrompt) {
    setBase(systemPrompt)
    // Adopt the new prompt unless the user is in the middle of editing another one.
    if (draft === base) setDraft(systemPrompt)
  }
  const dirty = draft !== systemPrompt

  const save = async () => {
    if (!dirty || saving) return
    setSaving(true)
    await saveSystemPrompt(draft)
    setSaving(false)
  }

  return (
    <div className="system-prompt">
      <div className="system-prompt-head">
        <label htmlFor="system-prompt">System prompt</label>
        <span className="muted small" data-testid="system-prompt-tokens">
          {tokens === null ? 'tokens counted once a model is loaded' : `${tokens} ${tokens === 1 ? 'token' : 'tokens'}`}
        </span>
        <button
          type="button"
          className="btn btn-small"
          data-testid="save-system-prompt"
          disabled={!dirty || saving}
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => void save()}
        >
          {saving ? 'Saving…' : 'Save'}
        </button>
      </div>
      <textarea
        id="system-prompt"
        data-testid="system-prompt"
        rows={2}
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={() => void save()}
      />
    </div>
  )
}
