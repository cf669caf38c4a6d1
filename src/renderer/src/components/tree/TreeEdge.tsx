import { BaseEdge, getBezierPath, type EdgeProps } from '@xyflow/react'
import { memo, useCallback } from 'react'
import type { AppState } from '../../store/AppState'
import { useArbor } from '../../store/useArbor'
import { edgeStateClass } from '../../tree/cardState'
import type { TreeFlowEdge } from '../../tree/flowTypes'

/** Parent → child; highlighted on the selected path and on the favourite path. */
export const TreeEdge = memo(function TreeEdge({ target, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition }: EdgeProps<TreeFlowEdge>) {
  const stateClass = useArbor(useCallback((s: AppState) => edgeStateClass(s, target), [target]))
  const [path] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition })
  return <BaseEdge path={path} className={`tree-edge ${stateClass}`} interactionWidth={0} />
})
