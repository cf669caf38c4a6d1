import { memo, useCallback, useState } from 'react'
import type { TreeNode } from '../../../../shared/treeView'
import type { AppState } from '../../store/AppState'
import { useArbor } from '../../store/useArbor'
import { kindLabels } from '../tree/kindLabels'
import { Markdown } from './Markdown'
import { MessageActions } from './MessageActions'
import { MessageEditor } from './MessageEditor'
import { MessageStats } from './MessageStats'
import { SiblingStepper } from './SiblingStepper'
import { StreamingStatus } from './StreamingStatus'
import { ClampedText, ToolCallList } from './ToolCallList'

const selectEdit = (s: AppState) => s.editMessage
const selectCanChat = (s: AppState) => s.loadState.status === 'loaded' && !s.generating
const selectGenerating = (s: AppState) => s.generating

export type MessageItemProps = {
  node: TreeNode
  /** The current position. */
  isLast: boolean
  streaming: boolean
  /** Place among the versions of this message (its siblings), and how many there are. */
  siblingIndex: number
  siblingCount: number
}

/** One message of the path: its versions stepper, text (or the edit box), turn statistics and actions. */
export const MessageItem = memo(function MessageItem({ node, isLast, streaming, siblingIndex, siblingCount }: MessageItemProps) {
  const editMessage = useArbor(selectEdit)
  const canChat = useArbor(selectCanChat)
  const generating = useArbor(selectGenerating)
  // The answer being written streams into its own field; only this message re-renders per token.
  const text = useArbor(useCallback((s: AppState) => (s.streaming?.nodeId === node.id ? s.streaming.text : node.text), [node]))
  const liveThinking = useArbor(useCallback((s: AppState) => (s.streaming?.nodeId === node.id ? (s.streaming.reasoning ?? null) : null), [node]))
  const [editing, setEditing] = useState(false)

  const save = (text: string) => {
    setEditing(false)
    void editMessage(node.id, text)
  }

  return (
    <article
      className={`message message-${node.kind}${node.hidden ? ' message-hidden' : ''}${isLast ? ' message-current' : ''}`}
      data-testid="message"
      data-role={node.kind}
      data-id={node.id}
    >
      <div className="message-head">
        <span className="message-role">{kindLabels[node.kind]}</span>
        {node.tool && (
          <code className={`message-tool${node.tool.isError ? ' is-error' : ''}`} data-testid="tool-result-name">
            {node.tool.name}
            {node.tool.isError ? ' · failed' : ''}
          </code>
        )}
        {node.label && (
          <span className="message-label" data-testid="message-label">
            {node.label}
          </span>
        )}
        {node.tokens !== null && <span className="message-tokens muted">{node.tokens} tok</span>}
        {siblingCount > 1 && <SiblingStepper nodeId={node.id} index={siblingIndex} count={siblingCount} />}
      </div>
      {editing ? (
        <MessageEditor initial={node.text} disabled={!canChat} onSave={save} onCancel={() => setEditing(false)} />
      ) : node.kind === 'toolResult' ? (
        <div className={`message-text tool-result${node.tool?.isError ? ' is-error' : ''}`} data-testid="message-text">
          <ClampedText className="tool-result-text" text={node.text} testId="tool-result-text" />
        </div>
      ) : (
        <div className="message-text" data-testid="message-text">
          {(liveThinking ?? node.thinking) && <Thinking text={(liveThinking ?? node.thinking)!} live={liveThinking !== null && !text} />}
          {node.kind === 'user' ? <p className="message-plain">{text}</p> : <Markdown text={text} />}
          {streaming && <span className="cursor" aria-label="writing" />}
        </div>
      )}
      {node.compaction && (
        <p className="compaction-note muted small" data-testid="compaction-note">
          Replaces the conversation above it ({node.compaction.tokensBefore.toLocaleString('en-US')} tokens) for the model, except the part it keeps; the whole
          history stays in the tree and the file.
        </p>
      )}
      {streaming && <StreamingStatus nodeId={node.id} />}
      {node.toolCalls && <ToolCallList calls={node.toolCalls} running={generating && isLast} />}
      {node.error && (
        <div className="message-error" role="alert">
          {node.error}
        </div>
      )}
      {node.stats && <MessageStats stats={node.stats} />}
      {!editing && !streaming && <MessageActions node={node} isLast={isLast} onEdit={() => setEditing(true)} />}
    </article>
  )
})

/** The model's thinking, folded under its size; open while it is being written and nothing of the answer is yet. */
function Thinking({ text, live }: { text: string; live: boolean }) {
  const words = text.split(/\s+/).filter(Boolean).length.toLocaleString('en-US')
  return (
    <details className="thinking" data-testid="thinking" open={live || undefined} data-live={live || undefined}>
      <summary>{live ? `Thinking… (${words} words)` : `Thinking (${words} words)`}</summary>
      <div className="thinking-text">{text}</div>
    </details>
  )
}
