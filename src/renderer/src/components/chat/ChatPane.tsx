import { useShallow } from 'zustand/react/shallow'
import type { AppState } from '../../store/AppState'
import { useArbor } from '../../store/useArbor'
import { ChatComposer } from './ChatComposer'
import { CompositionBar } from './CompositionBar'
import { MessageList } from './MessageList'
import { SystemPromptEditor } from './SystemPromptEditor'
import { WorkingFolder } from './WorkingFolder'

const selectChat = (s: AppState) => ({
  modelName: s.loadState.status === 'loaded' ? s.loadState.model.facts.fileName : null,
  sessionName: s.session.summary.name ?? s.session.summary.firstMessage,
  newSession: s.newSession,
})

/** The conversation from the root to the current position, with the loaded model. */
export function ChatPane() {
  const { modelName, sessionName, newSession } = useArbor(useShallow(selectChat))
  const enabled = modelName !== null
  return (
    <section className="panel chat" aria-labelledby="chat-title" data-testid="chat" data-enabled={enabled}>
      <div className="chat-head">
        <h2 id="chat-title">Chat</h2>
        <span className="muted small chat-session" data-testid="chat-session-name" title={sessionName ?? undefined}>
          {sessionName ?? 'New session'}
        </span>
        {modelName && <span className="muted small chat-model">with {modelName}</span>}
        <button type="button" className="btn btn-small" data-testid="new-chat" title="Start a new session (the current one stays in the list)" onClick={() => void newSession()}>
          New session
        </button>
      </div>
      <WorkingFolder />
      <SystemPromptEditor />
      {!enabled && (
        <p className="chat-hint" data-testid="chat-hint">
          Load a model to chat. Extension commands (type <code>/</code>) work without one.
        </p>
      )}
      <MessageList />
      <CompositionBar />
      <ChatComposer enabled={enabled} />
    </section>
  )
}
