import { memo } from 'react'
import type { MessageNode } from '../../../shared/types'
import { MessageStats } from './MessageStats'

export type MessageItemProps = { node: MessageNode; streaming: boolean }

/** One message; an assistant message shows its turn statistics underneath. */
export const MessageItem = memo(function MessageItem({ node, streaming }: MessageItemProps) {
  return (
    <article className={`message message-${node.role}`} data-testid="message" data-role={node.role} data-id={node.id}>
      <div className="message-role">{node.role === 'user' ? 'You' : 'Assistant'}</div>
      <div className="message-text" data-testid="message-text">
        {node.text}
        {streaming && <span className="cursor" aria-label="writing" />}
      </div>
      {node.error && (
        <div className="message-error" role="alert">
          {node.error}
        </div>
      )}
      {node.stats && <MessageStats stats={node.stats} />}
    </article>
  )
})
