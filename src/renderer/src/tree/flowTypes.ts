import type { Edge, Node } from '@xyflow/react'
import type { TreeNodeKind } from '../../../shared/treeView'

/** What a node card of the tree graph shows. Selection state is not here: it comes from the store. */
export type TreeCardData = {
  kind: TreeNodeKind
  /** The first line of the text, cut to what fits a card. */
  firstLine: string
  tokens: number | null
  label: string | null
  childCount: number
  /** Descendants hidden by a collapse or by "favourite path only". */
  hiddenCount: number
  collapsed: boolean
  /** Never sent to the model. */
  hidden: boolean
  hasError: boolean
}

/** A message: user, assistant, tool result or custom entry. */
export type MessageFlowNode = Node<TreeCardData, 'message'>
/** A branch or compaction summary written by Arbor or Pi. */
export type SummaryFlowNode = Node<TreeCardData, 'summary'>
export type TreeFlowNode = MessageFlowNode | SummaryFlowNode

/** Parent → child. */
export type TreeFlowEdge = Edge<Record<string, never>, 'tree'>

/** Size of a node card in graph units; fixed so the layout needs no measuring. */
export const CARD_WIDTH = 208
export const CARD_HEIGHT = 76
/** Room between cards side by side and between generations. */
export const GAP_X = 28
export const GAP_Y = 46
