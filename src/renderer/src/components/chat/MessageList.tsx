import { useEffect, useMemo, useRef, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { TreeNode } from '../../../../shared/treeView'
import type { AppState } from '../../store/AppState'
import { useArbor } from '../../store/useArbor'
import { siblingsOf } from '../../tree/treeQueries'
import { MessageItem } from './MessageItem'

const selectMessages = (s: AppState) => ({ path: s.path, byId: s.byId, structure: s.structure, generating: s.generating })
const selectStreamedLength = (s: AppState) => s.streaming?.text.length ?? 0

/** A long path shows its latest messages; earlier ones come in steps of this many. */
const PAGE = 150

/** The messages on the path from the root to the current position, following the stream. */
export function MessageList() {
  const { path, byId, structure, generating } = useArbor(useShallow(selectMessages))
  const streamed = useArbor(selectStreamedLength)
  const [shown, setShown] = useState(PAGE)
  const messages = useMemo(
    () =>
      path
        .slice(-shown)
        .map((id) => byId.get(id))
        .filter((n): n is TreeNode => n !== undefined),
    [path, byId, shown],
  )
  const earlier = Math.max(0, path.length - shown)
  const list = useRef<HTMLDivElement>(null)
  const last = messages.at(-1)

  useEffect(() => {
    const el = list.current
    if (!el) return
    if (el.scrollHeight - el.scrollTop - el.clientHeight < 120) el.scrollTop = el.scrollHeight
  }, [last?.text, messages.length, streamed])

  return (
    <div className="messages" ref={list} aria-live="polite" data-testid="messages">
      {earlier > 0 && (
        <button type="button" className="btn btn-small messages-earlier" data-testid="show-earlier" onClick={() => setShown(shown + PAGE)}>
          Show {Math.min(PAGE, earlier)} earlier of {earlier} hidden messages
        </button>
      )}
      {messages.length === 0 ? (
        <p className="muted small messages-empty">No messages yet.</p>
      ) : (
        messages.map((m) => {
          const { ids, index } = siblingsOf(structure, m.id)
          return (
            <MessageItem
              key={m.id}
              node={m}
              isLast={m === last}
              streaming={generating && m === last && m.kind === 'assistant'}
              siblingIndex={index}
              siblingCount={ids.length}
            />
          )
        })
      )}
    </div>
  )
}
