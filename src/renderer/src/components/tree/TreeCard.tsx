import { Handle, Position, useStore, type ReactFlowState } from '@xyflow/react'
import { useCallback, type MouseEvent } from 'react'
import type { AppState } from '../../store/AppState'
import { useArbor } from '../../store/useArbor'
import { cardStateClass } from '../../tree/cardState'
import type { TreeCardData } from '../../tree/flowTypes'
import { kindLabels } from './kindLabels'

const selectSetCollapsed = (s: AppState) => s.setCollapsed
/** Below this zoom the text cannot be read: cards draw as plain blocks, which is much cheaper with thousands in view. */
const FAR_ZOOM = 0.35
const selectFar = (s: ReactFlowState) => s.transform[2] < FAR_ZOOM

export type TreeCardProps = { id: string; data: TreeCardData; variant: 'message' | 'summary' }

/** The body of a graph node: kind, label, tokens, first line, collapse toggle and hidden count. */
export function TreeCard({ id, data, variant }: TreeCardProps) {
  const stateClass = useArbor(useCallback((s: AppState) => cardStateClass(s, id), [id]))
  const setCollapsed = useArbor(selectSetCollapsed)
  const far = useStore(selectFar)

  const toggle = (e: MouseEvent) => {
    e.stopPropagation()
    void setCollapsed(id, !data.collapsed)
  }

  const className = `tree-card tree-card-${variant} kind-${data.kind}${data.hidden ? ' is-hidden-message' : ''}${data.hasError ? ' has-error' : ''}${stateClass}`
  if (far)
    return (
      <div className={`${className} is-far`} data-testid="tree-node" data-id={id} data-kind={data.kind} title={data.firstLine}>
        <Handle type="target" position={Position.Top} isConnectable={false} className="tree-handle" />
        <Handle type="source" position={Position.Bottom} isConnectable={false} className="tree-handle" />
      </div>
    )

  return (
    <div className={className} data-testid="tree-node" data-id={id} data-kind={data.kind}>
      <Handle type="target" position={Position.Top} isConnectable={false} className="tree-handle" />
      <div className="tree-card-head">
        <span className="tree-card-kind">{kindLabels[data.kind]}</span>
        {stateClass.includes('is-starred') && (
          <span className="tree-card-star" aria-label="favourite" title="Favourite leaf">
            ★
          </span>
        )}
        {data.label && (
          <span className="tree-card-label" data-testid="node-label" title={data.label}>
            {data.label}
          </span>
        )}
        {data.tokens !== null && <span className="tree-card-tokens">{data.tokens} tok</span>}
      </div>
      <div className="tree-card-text">{data.firstLine || <span className="muted">(empty)</span>}</div>
      {data.childCount > 0 && (
        <div className="tree-card-foot">
          <button
            type="button"
            className="nodrag nopan tree-collapse"
            data-testid="collapse-toggle"
            aria-expanded={!data.collapsed}
            title={data.collapsed ? 'Expand this branch' : 'Collapse this branch'}
            onClick={toggle}
          >
            {data.collapsed ? '▸' : '▾'} {data.childCount} {data.childCount === 1 ? 'reply' : 'replies'}
          </button>
          {data.hiddenCount > 0 && (
            <span className="tree-card-hidden" data-testid="hidden-count">
              +{data.hiddenCount} hidden
            </span>
          )}
        </div>
      )}
      <Handle type="source" position={Position.Bottom} isConnectable={false} className="tree-handle" />
    </div>
  )
}
