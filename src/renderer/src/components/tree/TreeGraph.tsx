import { Background, BackgroundVariant, Controls, MiniMap, ReactFlow, type NodeMouseHandler, type NodeTypes, type EdgeTypes } from '@xyflow/react'
import { useCallback } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { useGraphCamera } from '../../hooks/useGraphCamera'
import type { AppState } from '../../store/AppState'
import { useArbor } from '../../store/useArbor'
import type { TreeFlowNode } from '../../tree/flowTypes'
import { MessageCard } from './MessageCard'
import { SummaryCard } from './SummaryCard'
import { TreeEdge } from './TreeEdge'
import { TreeOverview } from './TreeOverview'

const nodeTypes: NodeTypes = { message: MessageCard, summary: SummaryCard }
const edgeTypes: EdgeTypes = { tree: TreeEdge }

const selectGraph = (s: AppState) => ({ nodes: s.graph.nodes, edges: s.graph.edges, theme: s.theme })

/**
 * Above this many shown cards, React Flow's MiniMap (a component and a store subscription per
 * node) costs more than the graph itself; a canvas overview takes its place.
 */
const MINIMAP_LIMIT = 1500
/** A tree this small fits in view: no overview, which would only cover the cards (the current one among them). */
const MINIMAP_MIN = 24
const selectSelectNode = (s: AppState) => s.selectNode
const selectClearFocus = (s: AppState) => s.clearFocus

const miniMapClass = (node: TreeFlowNode): string => `minimap-node kind-${node.data.kind}`
const proOptions = { hideAttribution: true }
const miniMapStyle = { width: 150, height: 100 }

/**
 * The session tree as a graph: fixed-size cards laid out by d3-hierarchy, rendered only where
 * visible (10,000-node trees stay fluid). Cards are not draggable; a click selects.
 */
export function TreeGraph() {
  const { nodes, edges, theme } = useArbor(useShallow(selectGraph))
  const selectNode = useArbor(selectSelectNode)
  const clearFocus = useArbor(selectClearFocus)
  const { onInit } = useGraphCamera()

  const onNodeClick: NodeMouseHandler<TreeFlowNode> = useCallback((_event, node) => selectNode(node.id), [selectNode])

  return (
    <ReactFlow<TreeFlowNode>
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      edgeTypes={edgeTypes}
      onNodeClick={onNodeClick}
      onPaneClick={clearFocus}
      onInit={onInit}
      onlyRenderVisibleElements
      nodesDraggable={false}
      nodesConnectable={false}
      elementsSelectable={false}
      edgesFocusable={false}
      deleteKeyCode={null}
      selectionKeyCode={null}
      multiSelectionKeyCode={null}
      zoomOnDoubleClick={false}
      minZoom={0.05}
      maxZoom={2}
      colorMode={theme}
      proOptions={proOptions}
    >
      <Background variant={BackgroundVariant.Dots} gap={24} size={1} />
      {nodes.length < MINIMAP_MIN ? null : nodes.length <= MINIMAP_LIMIT ? (
        <MiniMap<TreeFlowNode> pannable zoomable style={miniMapStyle} nodeClassName={miniMapClass} ariaLabel="Overview of the tree" />
      ) : (
        <TreeOverview />
      )}
      <Controls showInteractive={false} />
    </ReactFlow>
  )
}
