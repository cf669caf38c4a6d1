import { useShallow } from 'zustand/react/shallow'
import type { TreeNode } from '../../../../shared/treeView'
import type { AppState } from '../../store/AppState'
import { useArbor } from '../../store/useArbor'
import { OrganiseActions } from '../OrganiseActions'
import { CopyButton } from './Markdown'

const selectActions = (s: AppState) => ({
  canChat: s.loadState.status === 'loaded' && !s.generating,
  regenerate: s.regenerate,
  selectNode: s.selectNode,
})

export type MessageActionsProps = { node: TreeNode; isLast: boolean; onEdit(): void }

/** Branch from a message (edit, regenerate, continue from here) and organise it (label, star, fork, prune). */
export function MessageActions({ node, isLast, onEdit }: MessageActionsProps) {
  const { canChat, regenerate, selectNode } = useArbor(useShallow(selectActions))
  return (
    <div className="message-actions" data-testid="message-actions">
      {node.kind === 'user' && (
        <button type="button" className="btn btn-small" data-testid="edit-button" disabled={!canChat} title="Edit: the new text becomes a sibling branch" onClick={onEdit}>
          Edit
        </button>
      )}
      {node.kind === 'assistant' && (
        <button
          type="button"
          className="btn btn-small"
          data-testid="regenerate-button"
          disabled={!canChat}
          title="Answer again: a sibling of this answer"
          onClick={() => void regenerate(node.id)}
        >
          Regenerate
        </button>
      )}
      {node.kind !== 'user' && !isLast && (
        <button
          type="button"
          className="btn btn-small"
          data-testid="continue-button"
          title="Make this message the current position: the next message branches from here"
          onClick={() => selectNode(node.id, { center: true })}
        >
          Continue from here
        </button>
      )}
      <CopyButton text={() => node.text} label="Copy the message (as markdown)" testId="copy-message" />
      <OrganiseActions nodeId={node.id} />
    </div>
  )
}
