import type { OverflowPolicy } from './contextBudget'
import type { TurnStats } from './types'

/** What a node of the conversation tree is. Pi entry types that are not messages are not nodes. */
export type TreeNodeKind = 'user' | 'assistant' | 'toolResult' | 'branchSummary' | 'compactionSummary' | 'custom'

/** One node of the conversation graph: a message of the session. */
export type TreeNode = {
  id: string
  parentId: string | null
  kind: TreeNodeKind
  /** The whole text (assistant: its text blocks joined). */
  text: string
  /** Tokens of this message with the loaded model; null while no model is loaded. */
  tokens: number | null
  label: string | null
  timestamp: string
  /** Numbers of the turn that produced an assistant message. */
  stats?: TurnStats
  error?: string
  /** Shown in the tree but never sent to the model (e.g. a command's output). */
  hidden?: boolean
  /** A compaction: the context before it was this many tokens, and it keeps the path from `firstKeptId` on. */
  compaction?: { tokensBefore: number; firstKeptId: string }
  /** An assistant message's tool calls, in order. */
  toolCalls?: { id: string; name: string; arguments: Record<string, unknown> }[]
  /** A tool result: the tool, and whether it failed or was blocked. */
  tool?: { name: string; isError: boolean }
  /** An assistant message's reasoning (Pi `thinking` blocks), shown folded; never part of `text`. */
  thinking?: string
}

export type SessionSummary = {
  id: string
  path: string
  name: string | null
  /** Last change, ms since the epoch. */
  updatedAt: number
  nodeCount: number
  firstMessage: string | null
  /** The session this one was forked from (its path, as the header names it); absent for one that is not a fork. */
  parentSession?: string
  /** `pi`: a session in Pi's own folder (opened there, in place); absent for Arbor's. */
  source?: 'pi'
  /** For Pi's sessions: the project folder it works in (its header's `cwd`), by which the list groups them. */
  project?: string
}

/** Tokens of the context at the current position, part by part; the parts add up to the prompt the model reads. */
export type ContextComposition = {
  systemPromptTokens: number
  /** The tools offered to the model, as the chat template renders them (instructions and definitions). */
  toolTokens: number
  /** Messages on the path from the root to the current position that reach the model. */
  historyTokens: number
  /** How many messages reach the model (after a compaction: its summary and what it kept, not the whole path). */
  historyMessages: number
  /** The chat template's own tokens around the messages (role markers, separators). */
  templateTokens: number
  /** The template's part is estimated, not rendered: the context is far past its size (see `CompositionCounter`). */
  estimated?: boolean
  /** Every count is an estimate: the engine (a server without a tokenizer route) cannot count tokens. */
  approximate?: boolean
  contextSize: number
}

/** Where the open session's current position is; what a move changes. */
export type SessionPosition = {
  sessionId: string
  leafId: string | null
  composition: ContextComposition | null
}

/** The open session as the UI shows it. */
export type SessionView = {
  /** The number of the last change this view includes (see `SessionDelta`). */
  seq: number
  summary: SessionSummary
  /** Path of the session this one was forked from. */
  parentSession: string | null
  systemPrompt: string
  systemPromptTokens: number | null
  nodes: TreeNode[]
  /** The current position: the next message becomes its child. Null: at the root. */
  leafId: string | null
  /** A starred leaf: the favourite path runs from the root to it. */
  favouriteLeafId: string | null
  collapsed: string[]
  /** Problems found reading the file (skipped lines, repaired parents). */
  warnings: string[]
  /** A prune can be undone (its lines are kept beside the file until the user empties them). */
  canUndo: boolean
  /** The extensions' tools are offered to the model in this session (off until the user turns them on). */
  toolsEnabled: boolean
  /** The folder the session works in (its header's `cwd`: where Pi runs its tools); empty when it names none. */
  cwd: string
  /** What a turn that would not fit the context does (see `OverflowPolicy`); null follows the app's default. */
  overflowPolicy: OverflowPolicy | null
  composition: ContextComposition | null
}

/** The parts of a `SessionView` besides its nodes that a change may replace. */
export type SessionFlags = Partial<
  Pick<SessionView, 'summary' | 'parentSession' | 'systemPrompt' | 'systemPromptTokens' | 'favouriteLeafId' | 'collapsed' | 'warnings' | 'canUndo' | 'toolsEnabled' | 'overflowPolicy' | 'cwd'>
>

/**
 * What one change of the open session changed. Apply it to a view (or the deltas since) of the same `sessionId`
 * whose `seq` is lower; `seq` grows by one with every change, so a client that sees a gap asks for a whole view.
 * Everything but `sessionId` and `seq` is optional: absent means unchanged.
 */
export type SessionDelta = SessionFlags & {
  sessionId: string
  seq: number
  /** Nodes added or changed, whole. */
  upserted?: TreeNode[]
  /** Nodes gone (a prune). */
  removed?: string[]
  /** Every token count is unknown again (another model, or none); applied before `tokens`. */
  clearTokens?: boolean
  /** Token counts found (null: unknown again). */
  tokens?: Record<string, number | null>
  /** The current position moved. */
  leafId?: string | null
  composition?: ContextComposition | null
}
