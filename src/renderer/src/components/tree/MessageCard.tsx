import type { NodeProps } from '@xyflow/react'
import { memo } from 'react'
import type { MessageFlowNode } from '../../tree/flowTypes'
import { TreeCard } from './TreeCard'

/** A graph node for a message (user, assistant, tool result, custom entry). */
export const MessageCard = memo(function MessageCard({ id, data }: NodeProps<MessageFlowNode>) {
  return <TreeCard id={id} data={data} variant="message" />
})
