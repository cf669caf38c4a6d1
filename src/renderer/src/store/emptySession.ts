import type { SessionView } from '../../../shared/treeView'

/** What the store holds before the first snapshot: an empty, unnamed session. */
export const emptySession: SessionView = {
  seq: 0,
  summary: { id: '', path: '', name: null, updatedAt: 0, nodeCount: 0, firstMessage: null },
  parentSession: null,
  systemPrompt: '',
  systemPromptTokens: null,
  nodes: [],
  leafId: null,
  favouriteLeafId: null,
  collapsed: [],
  warnings: [],
  canUndo: false,
  toolsEnabled: false,
  overflowPolicy: null,
  cwd: '',
  composition: null,
}
