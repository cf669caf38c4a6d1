import { ReactFlowProvider } from '@xyflow/react'
import { TreeGraph } from './TreeGraph'

/** The graph with its React Flow context: a chunk of its own, loaded after the chat is on screen. */
export default function TreeCanvas() {
  return (
    <ReactFlowProvider>
      <TreeGraph />
    </ReactFlowProvider>
  )
}
