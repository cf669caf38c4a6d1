import { useShallow } from 'zustand/react/shallow'
import type { AppState } from '../store/AppState'
import { useArbor } from '../store/useArbor'
import { ChatComposer } from './ChatComposer'
import { MessageList } from './MessageList'
import { SystemPromptEditor } from './SystemPromptEditor'

const selectChat = (s: AppState) => ({
  modelName: s.loadState.status === 'loaded' ? s.loadState.model.facts.fileName : null,
  resetChat: s.resetChat,
})

/** The conversation with the loaded model. */
export function ChatPane() {
  const { modelName, resetChat } = useArbor(useShallow(selectChat))
  const enabled = modelName !== null
  return (
    <section className="panel chat" aria-labelledby="chat-title" data-testid="chat" data-enabled={enabled}>
      <div className="chat-head">
        <h2 id="chat-title">Chat</h2>
        {modelName && <span className="muted small chat-model">with {modelName}</span>}
        <button
          type="button"
          className="btn btn-small"
          data-testid="new-chat"
          onClick={() => void resetChat()}
        >
          New chat
        </button>
      </div>
      <SystemPromptEditor />
      {!enabled && (
        <p className="chat-hint" data-testid="chat-hint">
          Load a model to chat.
        </p>
      )}
      <MessageList />
      <ChatComposer enabled={enabled} />
    </section>
  )
}
