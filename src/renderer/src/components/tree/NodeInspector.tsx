import type { AppState } from '../../store/AppState'
import { useArbor } from '../../store/useArbor'
import { firstLineOf } from '../../tree/buildGraph'
import { OrganiseActions } from '../OrganiseActions'
import { kindLabels } from './kindLabels'

const selectFocused = (s: AppState) => (s.focusedId === null ? undefined : s.byId.get(s.focusedId))
const selectPutDraft = (s: AppState) => s.putDraft

/** Puts a user message's text in the composer to send an edited version beside it. */
function EditInComposer({ text }: { text: string }) {
  const putDraft = useArbor(selectPutDraft)
  return (
    <button
      type="button"
      className="btn btn-small"
      data-testid="edit-in-composer"
      title="Put this message's text in the composer: sending it adds a new branch beside the original. What you had typed comes back after."
      onClick={() => {
        putDraft(text)
        document.getElementById('chat-input')?.focus()
      }}
    >
      Edit in composer
    </button>
  )
}

/**
 * The picked node's toolbar: what it is and its actions (label, star, fork, prune, summarise).
 * A bar of the panel rather than a popup on the card, so it is never cut off by the pane's edge.
 */
export function NodeInspector() {
  const node = useArbor(selectFocused)
  return (
    <div className="node-toolbar" data-testid="node-toolbar" data-id={node?.id}>
      {node ? (
        <>
          <span className="node-toolbar-what small" title={node.text}>
            <b>{kindLabels[node.kind]}</b> {firstLineOf(node.text)}
          </span>
          {node.kind === 'user' && <EditInComposer text={node.text} />}
          <OrganiseActions key={node.id} nodeId={node.id} />
        </>
      ) : (
        <span className="muted small">Click a message to move there; its actions appear here.</span>
      )}
    </div>
  )
}
