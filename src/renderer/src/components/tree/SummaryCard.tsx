import type { NodeProps } from '@xyflow/react'
import { memo } from 'react'
import type { SummaryFlowNode } from '../../tree/flowTypes'
import { TreeCard } from './TreeCard'

/** A graph node for a branch or compaction summary: drawn apart, as it stands for other messages. */
export const SummaryCard = memo(function SummaryCard({ id, data }: NodeProps<SummaryFlowNode>) {
  return <TreeCard id={id} data={data} variant="summary" />
})
