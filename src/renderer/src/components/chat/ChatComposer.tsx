import { useState, type KeyboardEvent } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { AppState } from '../store/AppState'
import { useArbor } from '../store/useArbor'

const selectComposer = (s: AppState) => ({
  generating: s.generating,
  sendMessage: s.sendMessage,
  stopGeneration: s.stopGeneration,
})

/** The message input: Enter sends, Shift+Enter adds a line; Stop while a reply is written. */
export function ChatComposer({ enabled }: { enabled: boolean }) {
  const { generating, sendMessage, stopGeneration } = useArbor(useShallow(selectComposer))
  const [text, setText] = useState('')
  const canSend = enabled && !generating && text.trim() !== ''

  const send = async () => {
    if (!canSend) return
    const sent = text
    setText('')
    if (!(await sendMessage(sent))) setText((current) => (current === '' ? sent : current))
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
      <textarea
        id="chat-input"
        data-testid="chat-input"
        rows={3}
        placeholder={enabled ? 'Write a message… (Enter sends, Shift+Enter for a new line)' : 'Load a model to chat'}
        disabled={!enabled}
        value={text}
        onChange={(e) => setText(e.target.value)}
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
