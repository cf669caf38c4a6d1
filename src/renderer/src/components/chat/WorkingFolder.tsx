import { useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { AppState } from '../../store/AppState'
import { useArbor } from '../../store/useArbor'

const selectFolder = (s: AppState) => ({ cwd: s.session.cwd, setWorkingFolder: s.setWorkingFolder })

/**
 * The folder the session works in (its header's `cwd`): where Pi runs its tools when it resumes this session. Shown
 * under the chat's title and changed in place; the core checks that the folder exists.
 */
export function WorkingFolder() {
  const { cwd, setWorkingFolder } = useArbor(useShallow(selectFolder))
  const [editing, setEditing] = useState<string | null>(null)
  const save = async () => {
    if (editing === null) return
    if (editing.trim() && editing.trim() !== cwd && !(await setWorkingFolder(editing.trim()))) return
    setEditing(null)
  }
  if (editing !== null)
    return (
      <form
        className="working-folder small"
        onSubmit={(e) => {
          e.preventDefault()
          void save()
        }}
      >
        <label htmlFor="working-folder-input">Folder</label>
        <input
          id="working-folder-input"
          data-testid="working-folder-input"
          className="working-folder-input"
          value={editing}
          placeholder="/path/to/your/project"
          autoFocus
          onChange={(e) => setEditing(e.target.value)}
          onKeyDown={(e) => e.key === 'Escape' && setEditing(null)}
        />
        <button type="submit" className="btn btn-small" data-testid="working-folder-save">
          Save
        </button>
        <button type="button" className="btn btn-small" onClick={() => setEditing(null)}>
          Cancel
        </button>
      </form>
    )
  return (
    <div className="working-folder small muted">
      Folder{' '}
      <code data-testid="working-folder" title="Where Pi runs its tools (bash, edit, write) when it resumes this session">
        {cwd || 'none yet'}
      </code>{' '}
      <button type="button" className="btn-link" data-testid="working-folder-change" onClick={() => setEditing(cwd)}>
        Change…
      </button>
    </div>
  )
}
