import { useCallback, useState, type KeyboardEvent } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { AppState } from '../store/AppState'
import { useArbor } from '../store/useArbor'

const selectActions = (s: AppState) => ({
  labelNode: s.labelNode,
  toggleFavourite: s.toggleFavourite,
  pruneNode: s.pruneNode,
  forkAt: s.forkAt,
  summarizeBranch: s.summarizeBranch,
  summarizing: s.summarizing,
  canSummarize: s.loadState.status === 'loaded' && !s.generating,
})

type Mode = 'idle' | 'label' | 'prune'

/**
 * Label, star, fork and prune a node (and summarise the branch at the current position).
 * Shared by the chat's message actions and the graph's node toolbar; no native dialogs, so
 * a confirm is a row of buttons in place.
 */
export function OrganiseActions({ nodeId }: { nodeId: string }) {
  const { labelNode, toggleFavourite, pruneNode, forkAt, summarizeBranch, summarizing, canSummarize } = useArbor(useShallow(selectActions))
  const node = useArbor(useCallback((s: AppState) => s.byId.get(nodeId), [nodeId]))
  const starred = useArbor(useCallback((s: AppState) => s.session.favouriteLeafId === nodeId, [nodeId]))
  const isLeaf = useArbor(useCallback((s: AppState) => s.session.leafId === nodeId, [nodeId]))
  const size = useArbor(useCallback((s: AppState) => s.structure.subtreeSize.get(nodeId) ?? 1, [nodeId]))
  const [mode, setMode] = useState<Mode>('idle')
  const [label, setLabel] = useState('')
  if (!node) return null

  const startLabel = () => {
    setLabel(node.label ?? '')
    setMode('label')
  }
  const saveLabel = () => {
    setMode('idle')
    void labelNode(nodeId, label)
  }
  const onLabelKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') saveLabel()
    if (e.key === 'Escape') setMode('idle')
  }
  const prune = () => {
    if (size > 1) return setMode('prune')
    void pruneNode(nodeId)
  }

  if (mode === 'label')
    return (
      <div className="organise organise-label nodrag nopan">
        <input
          type="text"
          className="text-input"
          data-testid="label-input"
          aria-label="Label (empty clears it)"
          placeholder="Label (empty clears)"
          maxLength={200}
          autoFocus
          value={label}
          onChange={(e) => setLabel(e.target.value)}
          onKeyDown={onLabelKey}
        />
        <button type="button" className="btn btn-small btn-primary" data-testid="label-save" onClick={saveLabel}>
          Save
        </button>
        <button type="button" className="btn btn-small btn-ghost" onClick={() => setMode('idle')}>
          Cancel
        </button>
      </div>
    )

  if (mode === 'prune')
    return (
      <div className="organise organise-confirm nodrag nopan" role="alertdialog" aria-label="Confirm prune">
        <span className="small">Delete this message and the {size - 1} below it?</span>
        <button type="button" className="btn btn-small btn-danger" data-testid="prune-confirm" onClick={() => void pruneNode(nodeId)}>
          Delete {size}
        </button>
        <button type="button" className="btn btn-small btn-ghost" data-testid="prune-cancel" onClick={() => setMode('idle')}>
          Cancel
        </button>
      </div>
    )

  return (
    <div className="organise nodrag nopan">
      <button type="button" className="btn btn-small" data-testid="label-button" title="Label this message (searchable, shown in the tree)" onClick={startLabel}>
        Label
      </button>
      <button
        type="button"
        className="btn btn-small"
        data-testid="favourite-button"
        aria-pressed={starred}
        title={starred ? 'Remove the star' : 'Star as the favourite leaf: its path is the one to keep'}
        onClick={() => void toggleFavourite(nodeId)}
      >
        {starred ? '★ Starred' : '☆ Star'}
      </button>
      <button type="button" className="btn btn-small" data-testid="fork-button" title="Copy the path up to here into a new session" onClick={() => void forkAt(nodeId)}>
        Fork
      </button>
      <button type="button" className="btn btn-small btn-danger-quiet" data-testid="prune-button" title="Delete this message and everything below it (undoable)" onClick={prune}>
        Prune{size > 1 ? ` (${size})` : ''}
      </button>
      {isLeaf && (
        <button
          type="button"
          className="btn btn-small"
          data-testid="summarize-button"
          disabled={!canSummarize || summarizing}
          title="Have the loaded model summarise this branch; the summary becomes a new starting point to continue from"
          onClick={() => void summarizeBranch()}
        >
          {summarizing ? 'Summarising…' : 'Summarise branch'}
        </button>
      )}
    </div>
  )
}
