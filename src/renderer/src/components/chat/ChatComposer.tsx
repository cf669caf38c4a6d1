import { useMemo, useState, type KeyboardEvent } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { AppState } from '../../store/AppState'
import { useArbor } from '../../store/useArbor'
import { useArborStore } from '../../store/useArborStore'
import { CommandSuggestions } from './CommandSuggestions'
import { matchCommands } from './matchCommands'

/** The last user message on the path (what ↑ edits), found from the end without copying the path. */
const lastUserOf = (s: AppState) => {
  for (let i = s.path.length - 1; i >= 0; i--) {
    const node = s.byId.get(s.path[i]!)
    if (node?.kind === 'user') return node
  }
  return null
}

const selectComposer = (s: AppState) => ({
  draft: s.draft,
  editing: s.autoDraft !== null && s.draft.trim() !== '',
  atRoot: s.session.leafId === null && s.session.nodes.length > 0,
  generating: s.generating,
  setDraft: s.setDraft,
  sendMessage: s.sendMessage,
  stopGeneration: s.stopGeneration,
  extensions: s.extensions,
  runningCommand: s.runningCommand,
  compacting: s.compacting,
  lastUser: lastUserOf(s),
  selectNode: s.selectNode,
  putDraft: s.putDraft,
})

const SUGGESTIONS_ID = 'command-suggestions'

/**
 * The message input: Enter sends at the current position, Shift+Enter adds a line; Stop while a reply is written.
 * A draft starting with `/` lists the matching extension commands.
 */
export function ChatComposer({ enabled }: { enabled: boolean }) {
  const { draft, editing, atRoot, generating, setDraft, sendMessage, stopGeneration, extensions, lastUser, selectNode, putDraft, runningCommand, compacting } =
    useArbor(useShallow(selectComposer))
  const store = useArborStore()
  // Commands run without the model: with extensions offering some, the input works before a load.
  const commandsOnly = !enabled && extensions.some((e) => e.commands.length > 0)
  const isCommand = /^\/[^\s/]/.test(draft.trim())
  const canSend = !generating && !runningCommand && draft.trim() !== '' && (enabled || (commandsOnly && isCommand))
  const [active, setActive] = useState(0)
  // Esc hides the list for the draft it was pressed on; typing on shows it again.
  const [hiddenFor, setHiddenFor] = useState<string | null>(null)
  const matches = useMemo(() => matchCommands(draft, extensions), [draft, extensions])
  const suggestions = (enabled || commandsOnly) && hiddenFor !== draft ? matches : []
  const current = Math.min(active, Math.max(0, suggestions.length - 1))

  const edit = (text: string) => {
    setDraft(text)
    setActive(0)
  }
  const complete = (name: string) => edit(`/${name} `)

  const send = async () => {
    if (!canSend) return
    const sent = draft
    setDraft('')
    // Refused (nothing was added): give the text back unless the user started another one.
    if (!(await sendMessage(sent)) && store.getState().draft === '') setDraft(sent)
  }

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (suggestions.length > 0 && !e.nativeEvent.isComposing) {
      const picked = suggestions[current]
      if (e.key === 'Tab' && !e.shiftKey && picked) {
        e.preventDefault()
        return complete(picked.name)
      }
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault()
        const step = e.key === 'ArrowDown' ? 1 : -1
        return setActive((current + step + suggestions.length) % suggestions.length)
      }
      if (e.key === 'Escape') {
        e.preventDefault()
        return setHiddenFor(draft)
      }
    }
    // ↑ in an empty box: edit the last message you sent (it becomes a branch beside the original when sent).
    if (e.key === 'ArrowUp' && draft === '' && lastUser && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey) {
      e.preventDefault()
      selectNode(lastUser.id)
      putDraft(lastUser.text)
      return
    }
    if (e.key !== 'Enter' || e.shiftKey || e.nativeEvent.isComposing) return
    e.preventDefault()
    void send()
  }

  return (
    <div className="composer">
      <label htmlFor="chat-input" className="visually-hidden">
        Message
      </label>
      {(editing || atRoot) && (
        <p className="composer-note small" data-testid="composer-note">
          {editing ? 'Editing a message: sending adds it as a new branch beside the original.' : 'At the root: sending starts a new tree in this session.'}
        </p>
      )}
      {suggestions.length > 0 && <CommandSuggestions id={SUGGESTIONS_ID} suggestions={suggestions} active={current} onPick={complete} />}
      <textarea
        id="chat-input"
        data-testid="chat-input"
        rows={3}
        placeholder={enabled ? 'Write a message… (Enter sends, Shift+Enter for a new line)' : 'Load a model to chat'}
        disabled={!enabled && !commandsOnly}
        value={draft}
        aria-autocomplete="list"
        aria-controls={suggestions.length > 0 ? SUGGESTIONS_ID : undefined}
        aria-activedescendant={suggestions.length > 0 ? `${SUGGESTIONS_ID}-${current}` : undefined}
        onChange={(e) => edit(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <div className="composer-actions">
        {compacting ? (
          <span className="command-running muted small" data-testid="compact-progress" role="status">
            <span className="spinner" aria-hidden="true" /> Compacting the conversation
            {compacting.steps > 1 ? `: summary ${compacting.step} of ${compacting.steps}` : ''} · {compacting.tokens.toLocaleString('en-US')} tokens written
          </span>
        ) : runningCommand && (
          <span className="command-running muted small" data-testid="command-running">
            <span className="spinner" aria-hidden="true" /> Running {runningCommand.split(/\s/)[0]}…
          </span>
        )}
        {generating || runningCommand ? (
          <button type="button" className="btn btn-danger" data-testid="stop-button" onClick={() => void stopGeneration()}>
            Stop
          </button>
        ) : null}
        <button type="button" className="btn btn-primary" data-testid="send-button" disabled={!canSend} onClick={() => void send()}>
          Send
        </button>
      </div>
    </div>
  )
}
