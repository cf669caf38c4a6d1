import { useEffect, useMemo, useRef } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { pathTo } from '../../../shared/conversationTree'
import type { AppState } from '../store/AppState'
import { useArbor } from '../store/useArbor'
import { MessageItem } from './MessageItem'

const selectMessages = (s: AppState) => ({ nodes: s.conversation.nodes, leafId: s.conversation.leafId, generating: s.generating })

/** The messages on the path from the root to the selected node, following the stream. */
export function MessageList() {
  const { nodes, leafId, generating } = useArbor(useShallow(selectMessages))
  const messages = useMemo(() => pathTo(nodes, leafId), [nodes, leafId])
  const list = useRef<HTMLDivElement>(null)
  const last = messages.at(-1)

  useEffect(() => {
    const el = list.current
    if (!el) return
    if (el.scrollHeight - el.scrollTop - el.clientHeight < 120) el.scrollTop = el.scrollHeight
  }, [last?.text, messages.length])

  return (
    <div className="messages" ref={list} aria-live="polite" data-testid="messages">
      {messages.length === 0 ? (
        <p className="muted small messages-empty">No messages yet.</p>
      ) : (
        messages.map((m) => <MessageItem key={m.id} node={m} streaming={generating && m.id === last?.id && m.role === 'assistant'} />)
      )}
    </div>
  )
}
