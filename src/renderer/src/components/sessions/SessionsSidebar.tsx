import type { SessionSummary } from '../../../../shared/treeView'
import { useMemo, useRef, type ChangeEvent } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { useNow } from '../../hooks/useNow'
import type { AppState } from '../../store/AppState'
import { useArbor } from '../../store/useArbor'
import { SessionEntry } from './SessionEntry'

const selectSidebar = (s: AppState) => ({
  sessions: s.sessions,
  live: s.session.summary,
  folder: s.sessionsFolder,
  opening: s.openingSession,
  transport: s.transport,
  newSession: s.newSession,
  openSession: s.openSession,
  openSessionFile: s.openSessionFile,
  renameSession: s.renameSession,
  deleteSession: s.deleteSession,
  pendingDelete: s.pendingDelete,
  undoDelete: s.undoDelete,
})

/** How a session is called in the list: its name, its first message, or its file name. */
const titleOf = (sessions: readonly SessionSummary[], path: string): string => {
  const found = sessions.find((s) => s.path === path)
  return found?.name ?? found?.firstMessage?.slice(0, 40) ?? path.split(/[\\/]/).pop() ?? path
}

/** The saved sessions, newest first: open, start, rename, delete, or open a `.jsonl` from elsewhere. */
export function SessionsSidebar() {
  const { sessions: all, live, folder, opening, transport, newSession, openSession, openSessionFile, renameSession, deleteSession, pendingDelete, undoDelete } =
    useArbor(useShallow(selectSidebar))
  const sessions = pendingDelete ? all.filter((s) => s.path !== pendingDelete.path) : all
  const input = useRef<HTMLInputElement>(null)
  const now = useNow()
  // The open session's own summary is the freshest (the list is sent only when sessions come and go).
  const { sorted, piProjects } = useMemo(() => {
    const others = sessions.filter((s) => s.id !== live.id && s.path !== live.path)
    const all = (live.id === '' ? others : [live, ...others]).toSorted((a, b) => b.updatedAt - a.updatedAt)
    // Pi's sessions, grouped by the project folder they work in, most recently used project first.
    const projects = new Map<string, SessionSummary[]>()
    for (const s of all) if (s.source === 'pi') projects.set(s.project ?? '', [...(projects.get(s.project ?? '') ?? []), s])
    return { sorted: all.filter((s) => s.source !== 'pi'), piProjects: [...projects] }
  }, [sessions, live])

  const onChosen = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0]
    e.target.value = ''
    if (file) void openSessionFile(file)
  }
  const rename = (name: string) => void renameSession(name)
  const remove = (path: string) => void deleteSession(path)
  const open = (path: string) => void openSession(path)

  return (
    <aside className="sessions" data-testid="sessions" aria-labelledby="sessions-title">
      <div className="sessions-head">
        <h2 id="sessions-title">Sessions</h2>
        <button type="button" className="btn btn-small btn-primary" data-testid="new-session" title="Start a new, empty session" onClick={() => void newSession()}>
          + New
        </button>
      </div>
      <button
        type="button"
        className="btn btn-small sessions-open-file"
        data-testid="open-session"
        title={transport === 'headless' ? 'Upload a Pi or Arbor .jsonl session and open it' : 'Open a Pi or Arbor .jsonl session where it is'}
        onClick={() => input.current?.click()}
      >
        Open .jsonl…
      </button>
      <input ref={input} type="file" accept=".jsonl" className="visually-hidden" tabIndex={-1} aria-label="Session file" data-testid="session-file-input" onChange={onChosen} />
      {opening && (
        <p className="status-line small" role="status" data-testid="opening-session">
          Opening {opening}…
        </p>
      )}
      <ul className="session-list">
        {sorted.map((summary) => (
          <SessionEntry
            key={summary.path}
            summary={summary}
            forkOf={summary.parentSession ? titleOf(sessions, summary.parentSession) : null}
            open={summary === live}
            now={now}
            onOpen={open}
            onRename={rename}
            onDelete={remove}
          />
        ))}
      </ul>
      {piProjects.length > 0 && (
        <section className="pi-sessions" data-testid="pi-sessions" aria-label="Pi's sessions">
          <h3 className="pi-sessions-title small">Pi’s sessions</h3>
          {piProjects.map(([project, list]) => (
            <div key={project} className="pi-project" data-testid="pi-project">
              <p className="pi-project-name muted small" title={project}>
                {project.split(/[\\/]/).filter(Boolean).pop() ?? project}
              </p>
              <ul className="session-list">
                {list.map((summary) => (
                  <SessionEntry key={summary.path} summary={summary} forkOf={null} open={summary === live} now={now} onOpen={open} onRename={rename} onDelete={remove} />
                ))}
              </ul>
            </div>
          ))}
        </section>
      )}
      {folder && (
        <p className="sessions-folder muted small" title={folder}>
          {folder}
        </p>
      )}
      {pendingDelete && (
        <div className="delete-toast small" role="status" data-testid="delete-toast">
          <span>
            Deleted <b>{pendingDelete.title}</b>
          </span>
          <button type="button" className="btn btn-small" data-testid="undo-delete" onClick={undoDelete}>
            Undo
          </button>
        </div>
      )}
    </aside>
  )
}
