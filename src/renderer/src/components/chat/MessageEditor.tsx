import { useState, type KeyboardEvent } from 'react'

export type MessageEditorProps = {
  initial: string
  disabled: boolean
  onSave(text: string): void
  onCancel(): void
}

/** Edits a user message in place; saving sends it as a sibling, so the original branch stays. */
export function MessageEditor({ initial, disabled, onSave, onCancel }: MessageEditorProps) {
  const [text, setText] = useState(initial)
  const canSave = !disabled && text.trim() !== ''

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Escape') onCancel()
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing && canSave) {
      e.preventDefault()
      onSave(text)
    }
  }

  return (
    <div className="message-editor">
      <textarea data-testid="edit-input" aria-label="Edited message" rows={3} autoFocus value={text} onChange={(e) => setText(e.target.value)} onKeyDown={onKeyDown} />
      <div className="message-editor-actions">
        <span className="small muted">Saved as a new branch; the original stays.</span>
        <button type="button" className="btn btn-small btn-ghost" data-testid="edit-cancel" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="btn btn-small btn-primary" data-testid="edit-save" disabled={!canSave} onClick={() => onSave(text)}>
          Save &amp; send
        </button>
      </div>
    </div>
  )
}
