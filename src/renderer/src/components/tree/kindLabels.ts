import type { TreeNodeKind } from '../../../../shared/treeView'

/** How each kind of node is named on a card and in the chat. */
export const kindLabels: Record<TreeNodeKind, string> = {
  user: 'You',
  assistant: 'Assistant',
  toolResult: 'Tool result',
  branchSummary: 'Branch summary',
  compactionSummary: 'Compaction summary',
  custom: 'Note',
}
