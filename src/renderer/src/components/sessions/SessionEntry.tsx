import { memo, useState, type KeyboardEvent } from 'react'
import type { SessionSummary } from '../../../../shared/treeView'
import { formatRelativeTime } from './formatRelativeTime'

export type SessionEntryProps = {
  summary: SessionSummary
  /** The title of the session this one was forked from, when it is a fork. */
  forkOf?: string | null
  open: boolean
  now: number
  onOpen(path: string): void
  onRename(name: string): void
  onDelete(path: string): void
}

type Mode = 'idle' | 'rename'

/** One session in the sidebar: its name (or first message), when it last changed, its size; rename in place, delete (with Undo in the sidebar). */
export const SessionEntry = memo(function SessionEntry({ summary, forkOf, open, now, onOpen, onRename, onDelete }: SessionEntryProps) {
  const [mode, setMode] = useState<Mode>('idle')
  const [name, setName] = useState('')
  const title = summary.name ?? summary.firstMessage ?? 'Empty session'

  const startRename = () => {
    setName(summary.name ?? summary.firstMessage?.slice(0, 60) ?? '')
    setMode('rename')
  }
  const saveRename = () => {
    const trimmed = name.trim()
    setMode('idle')
    if (trimmed !== '' && trimmed !== summary.name) onRename(trimmed)
  }
  const onRenameKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') saveRename()
    if (e.key === 'Escape') setMode('idle')
  }

  return (
    <li className={`session-entry${open ? ' is-open' : ''}`} data-testid="session-entry" data-path={summary.path} aria-current={open ? 'true' : undefined}>
      {mode === 'rename' ? (
        <div className="session-rename">
          <input
            type="text"
            className="text-input"
            data-testid="rename-input"
            aria-label="Session name"
            maxLength={200}
            autoFocus
            value={name}
            onChange={(e) => setName(e.target.value)}
            onKeyDown={onRenameKey}
          />
          <button type="button" className="btn btn-small btn-primary" data-testid="rename-save" disabled={name.trim() === ''} onClick={saveRename}>
            Save
          </button>
        </div>
      ) : (
        <button type="button" className="session-open" title={summary.path} onClick={() => !open && onOpen(summary.path)}>
          <span className={`session-name${summary.name ? '' : ' unnamed'}`}>{title}</span>
          <span className="session-meta">
            {formatRelativeTime(summary.updatedAt, now)} · {summary.nodeCount} {summary.nodeCount === 1 ? 'message' : 'messages'}
            {forkOf && (
              <span className="session-fork" data-testid="session-fork-of">
                {' '}
                · fork of {forkOf}
              </span>
            )}
          </span>
        </button>
      )}
      {mode === 'idle' && (
        <div className="session-actions">
          {open && (
            <button type="button" className="btn-icon" data-testid="rename-session" aria-label="Rename this session" title="Rename" onClick={startRename}>
              ✎
            </button>
          )}
          {/* Pi's own files are Pi's to delete. */}
          {summary.source !== 'pi' && (
            <button type="button" className="btn-icon" data-testid="delete-session" aria-label="Delete this session" title="Delete" onClick={() => onDelete(summary.path)}>
              ✕
            </button>
          )}
        </div>
      )}
    </li>
  )
})
