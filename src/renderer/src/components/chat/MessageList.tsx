import { useVirtualizer } from '@tanstack/react-virtual'
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { TreeNode } from '../../../../shared/treeView'
import type { AppState } from '../../store/AppState'
import { useArbor } from '../../store/useArbor'
import { siblingsOf } from '../../tree/treeQueries'
import { MessageItem } from './MessageItem'

const selectMessages = (s: AppState) => ({ path: s.path, byId: s.byId, structure: s.structure, generating: s.generating })
const selectStreamedLength = (s: AppState) => s.streaming?.text.length ?? 0
const selectCommandError = (s: AppState) => ({ failed: s.commandError, dismiss: s.dismissCommandError })

/**
 * Messages rendered beyond the visible ones, above and below: a short conversation is rendered whole, a long one
 * (a 1,000-message Pi session) only around what is on screen.
 */
const OVERSCAN = 24
/** A message's height before it was measured. */
const ESTIMATED_HEIGHT = 180

/** The messages on the path from the root to the current position, following the stream. */
export function MessageList() {
  const { path, byId, structure, generating } = useArbor(useShallow(selectMessages))
  const streamed = useArbor(selectStreamedLength)
  const { failed, dismiss } = useArbor(useShallow(selectCommandError))
  const messages = useMemo(() => path.map((id) => byId.get(id)).filter((n): n is TreeNode => n !== undefined), [path, byId])
  const list = useRef<HTMLDivElement>(null)
  const sizer = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => list.current,
    estimateSize: () => ESTIMATED_HEIGHT,
    overscan: OVERSCAN,
    getItemKey: (index) => messages[index]?.id ?? index,
  })
  const last = messages.at(-1)
  // Following the conversation: stuck to the bottom until the user scrolls up; a message sent, or another session
  // or branch opened, sticks it again (the position is the last message of the path).
  const stuck = useRef(true)
  const [atBottom, setAtBottom] = useState(true)
  const toBottom = useCallback(() => {
    const el = list.current
    if (el) el.scrollTop = el.scrollHeight
  }, [])
  const lastScroll = useRef({ top: 0, height: 0 })
  const onScroll = () => {
    const el = list.current
    if (!el) return
    const near = el.scrollHeight - el.scrollTop - el.clientHeight < 48
    // Only the user scrolling up lets go of the bottom; a resize or content that grew moves scrollTop by itself.
    const scrolledUp = el.scrollTop < lastScroll.current.top - 2 && el.scrollHeight >= lastScroll.current.height
    lastScroll.current = { top: el.scrollTop, height: el.scrollHeight }
    if (near) stuck.current = true
    else if (scrolledUp) stuck.current = false
    else if (stuck.current) toBottom()
    setAtBottom(stuck.current || near)
  }
  const firstId = path[0]
  const lastUserId = last?.kind === 'user' ? last.id : null
  useLayoutEffect(() => {
    stuck.current = true
    setAtBottom(true)
  }, [firstId, lastUserId])
  useLayoutEffect(() => {
    if (stuck.current) toBottom()
  }, [last?.id, last?.text, messages.length, streamed, firstId, lastUserId, toBottom])
  // Content that grows after it rendered (measured heights, highlighted code, math, fonts) keeps the bottom in view.
  useEffect(() => {
    const el = list.current
    if (!el || typeof ResizeObserver === 'undefined') return
    const observer = new ResizeObserver(() => stuck.current && toBottom())
    if (sizer.current) observer.observe(sizer.current)
    observer.observe(el)
    return () => observer.disconnect()
  }, [messages.length, toBottom])

  return (
    <div className="messages" ref={list} aria-live="polite" data-testid="messages" onScroll={onScroll}>
      {/* A failed /command is said where it happened, at the end of the conversation; nothing above moves. */}
      {!atBottom && (
        <button
          type="button"
          className="btn btn-small jump-latest"
          data-testid="jump-latest"
          onClick={() => {
            stuck.current = true
            setAtBottom(true)
            toBottom()
          }}
        >
          ↓ Latest
        </button>
      )}
      {messages.length === 0 ? (
        <p className="muted small messages-empty">No messages yet.</p>
      ) : (
        <div className="messages-sizer" ref={sizer} style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const m = messages[item.index]!
            const { ids, index } = siblingsOf(structure, m.id)
            return (
              <div key={item.key} className="messages-row" data-index={item.index} ref={virtualizer.measureElement} style={{ transform: `translateY(${item.start}px)` }}>
                <MessageItem
                  node={m}
                  isLast={m === last}
                  streaming={generating && m === last && m.kind === 'assistant'}
                  siblingIndex={index}
                  siblingCount={ids.length}
                />
              </div>
            )
          })}
        </div>
      )}
      {failed && (
        <div className="message command-error" role="alert" data-testid="command-error">
          <div className="message-head">
            <span className="message-role">{failed.title ?? 'Command failed'}</span>
            {failed.command && <code>{failed.command.split(/\s/)[0]}</code>}
          </div>
          <p className="message-error">
            <code className="error-code">{failed.error.code}</code> — {failed.error.message}
          </p>
          <button type="button" className="btn btn-small" data-testid="dismiss-command-error" onClick={dismiss}>
            Dismiss
          </button>
        </div>
      )}
    </div>
  )
}
