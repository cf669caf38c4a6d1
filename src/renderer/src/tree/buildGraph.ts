import { Position, type NodeHandle } from '@xyflow/react'
import { renderToolCall } from '../../../shared/session/toolParts'
import type { TreeNode } from '../../../shared/treeView'
import { CARD_HEIGHT, CARD_WIDTH, type TreeCardData, type TreeFlowEdge, type TreeFlowNode } from './flowTypes'
import type { Point } from './layoutTree'
import { childIds, type TreeStructure } from './TreeStructure'
import type { VisibleTree } from './visibleTree'

/** The React Flow nodes and edges of a session tree, with what it takes to patch them. */
export type TreeGraph = {
  nodes: TreeFlowNode[]
  edges: TreeFlowEdge[]
  /** Index of each shown node in `nodes`. */
  indexOf: ReadonlyMap<string, number>
}

export const emptyGraph: TreeGraph = { nodes: [], edges: [], indexOf: new Map() }

const HANDLE = 6
/**
 * Where the (invisible) handles sit, so that edges of cards that were never rendered
 * (`onlyRenderVisibleElements`) can be drawn without measuring them. Matches React Flow's CSS.
 */
const handles: NodeHandle[] = [
  { type: 'target', position: Position.Top, x: CARD_WIDTH / 2 - HANDLE / 2, y: -HANDLE / 2, width: HANDLE, height: HANDLE },
  { type: 'source', position: Position.Bottom, x: CARD_WIDTH / 2 - HANDLE / 2, y: CARD_HEIGHT - HANDLE / 2, width: HANDLE, height: HANDLE },
]

const MAX_LINE = 90

/** The first non-empty line of a text, shortened to fit a card. */
export function firstLineOf(text: string): string {
  const line = text.trimStart().split('\n', 1)[0]?.trim() ?? ''
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 1)}…` : line
}

type Content = Pick<TreeCardData, 'kind' | 'firstLine' | 'tokens' | 'label' | 'hidden' | 'hasError'>

/** What a card reads: the text; a reply that only called tools shows the calls; a tool result names its tool. */
const cardText = (node: TreeNode): string => {
  if (node.tool) return `${node.tool.name}${node.tool.isError ? ' (failed)' : ''}: ${node.text.trimStart()}`
  if (node.toolCalls?.length && !node.text.trim()) return node.toolCalls.map((c) => `→ ${renderToolCall(c)}`).join(' ')
  return node.text
}

const contentOf = (node: TreeNode): Content => ({
  kind: node.kind,
  firstLine: firstLineOf(cardText(node)),
  tokens: node.tokens,
  label: node.label,
  hidden: node.hidden === true,
  hasError: node.error !== undefined,
})

const sameContent = (data: TreeCardData, content: Content): boolean =>
  data.kind === content.kind &&
  data.firstLine === content.firstLine &&
  data.tokens === content.tokens &&
  data.label === content.label &&
  data.hidden === content.hidden &&
  data.hasError === content.hasError

const flowType = (node: TreeNode): TreeFlowNode['type'] =>
  node.kind === 'branchSummary' || node.kind === 'compactionSummary' ? 'summary' : 'message'

const toFlowNode = (node: TreeNode, position: Point, data: TreeCardData): TreeFlowNode => ({
  id: node.id,
  type: flowType(node),
  position,
  data,
  width: CARD_WIDTH,
  height: CARD_HEIGHT,
  // Known sizes: React Flow then never waits for a measure, so fitView and edges work for cards never rendered.
  measured: { width: CARD_WIDTH, height: CARD_HEIGHT },
  handles,
  draggable: false,
  connectable: false,
  selectable: false,
  ariaLabel: `${node.kind === 'user' ? 'You' : node.kind}: ${data.firstLine}`,
})

export type BuildGraphInput = {
  structure: TreeStructure
  byId: ReadonlyMap<string, TreeNode>
  visible: VisibleTree
  positions: ReadonlyMap<string, Point>
  collapsed: ReadonlySet<string>
}

/** One card per shown node, one edge per shown parent → child link. */
export function buildGraph({ structure, byId, visible, positions, collapsed }: BuildGraphInput): TreeGraph {
  const nodes: TreeFlowNode[] = []
  const edges: TreeFlowEdge[] = []
  const indexOf = new Map<string, number>()
  for (const id of visible.ids) {
    const node = byId.get(id)
    const position = positions.get(id)
    if (!node || !position) continue
    indexOf.set(id, nodes.length)
    nodes.push(
      toFlowNode(node, position, {
        ...contentOf(node),
        childCount: childIds(structure, id).length,
        hiddenCount: visible.hiddenCount.get(id) ?? 0,
        collapsed: collapsed.has(id),
      }),
    )
    const parent = structure.parentOf.get(id) ?? null
    if (parent !== null) edges.push({ id: `${parent}>${id}`, source: parent, target: id, type: 'tree' })
  }
  return { nodes, edges, indexOf }
}

/** The same graph with the cards of `changed` nodes updated (the structure must not have changed). */
export function patchGraph(graph: TreeGraph, changed: readonly TreeNode[]): TreeGraph {
  let nodes: TreeFlowNode[] | null = null
  for (const node of changed) {
    const index = graph.indexOf.get(node.id)
    if (index === undefined) continue
    const old = (nodes ?? graph.nodes)[index]!
    const content = contentOf(node)
    if (sameContent(old.data, content)) continue
    nodes ??= graph.nodes.slice()
    nodes[index] = toFlowNode(node, old.position, { ...old.data, ...content })
  }
  return nodes ? { ...graph, nodes } : graph
}
