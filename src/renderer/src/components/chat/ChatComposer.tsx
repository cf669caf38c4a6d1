import type { KeyboardEvent } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { AppState } from '../../store/AppState'
import { useArbor } from '../../store/useArbor'
import { useArborStore } from '../../store/useArborStore'

const selectComposer = (s: AppState) => ({
  draft: s.draft,
  editing: s.autoDraft !== null && s.draft.trim() !== '',
  atRoot: s.session.leafId === null && s.session.nodes.length > 0,
  generating: s.generating,
  setDraft: s.setDraft,
  sendMessage: s.sendMessage,
  stopGeneration: s.stopGeneration,
})

/** The message input: Enter sends at the current position, Shift+Enter adds a line; Stop while a reply is written. */
export function ChatComposer({ enabled }: { enabled: boolean }) {
  const { draft, editing, atRoot, generating, setDraft, sendMessage, stopGeneration } = useArbor(useShallow(selectComposer))
  const store = useArborStore()
  const canSend = enabled && !generating && draft.trim() !== ''

  const send = async () => {
    if (!canSend) return
    const sent = draft
    setDraft('')
    // Refused (nothing was added): give the text back unless the user started another one.
    if (!(await sendMessage(sent)) && store.getState().draft === '') setDraft(sent)
  }

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key !== 'Enter' || e.shiftKey || e.nativeEvent.isComposing) return
    e.preventDefault()
    void send()
  }

  return (
    <div className="composer">
      <label htmlFor="chat-input" className="visually-hidden">
        Message
      </label>
      {(editing || atRoot) && (
        <p className="composer-note small" data-testid="composer-note">
          {editing ? 'Editing a message: sending adds it as a new branch beside the original.' : 'At the root: sending starts a new tree in this session.'}
        </p>
      )}
      <textarea
        id="chat-input"
        data-testid="chat-input"
        rows={3}
        placeholder={enabled ? 'Write a message… (Enter sends, Shift+Enter for a new line)' : 'Load a model to chat'}
        disabled={!enabled}
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <div className="composer-actions">
        {generating ? (
          <button type="button" className="btn btn-danger" data-testid="stop-button" onClick={() => void stopGeneration()}>
            Stop
          </button>
        ) : null}
        <button type="button" className="btn btn-primary" data-testid="send-button" disabled={!canSend} onClick={() => void send()}>
          Send
        </button>
      </div>
    </div>
  )
}
