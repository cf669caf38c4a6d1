/**
 * Pi's session file format, version 3 (pi-mono `packages/coding-agent/docs/session.md` and
 * `src/core/session-manager.ts`). One JSON object per line: a header, then entries linked into a tree by
 * `id` / `parentId`.
 *
 * The objects held in memory are the parsed JSON itself, so fields not named here survive a rewrite, and
 * lines Arbor did not change are written back byte for byte. Entries of a type not listed here (written by a
 * newer Pi or an extension) are kept in the tree too: at run time their `type` matches none of the literals
 * below, so a `switch` over `type` simply skips them; use `isKnownEntry` where a check must be exhaustive.
 */

/** The format version Arbor writes. */
export const CURRENT_SESSION_VERSION = 3

/** The versions Arbor reads: 1 (linear, no ids), 2 (tree) and 3 (`hookMessage` renamed to `custom`). */
export type SessionVersion = 1 | 2 | 3

/** The first line of every session file; not part of the tree. */
export type SessionHeader = {
  type: 'session'
  /** Missing in version 1 files. */
  version?: number
  /** A UUID. */
  id: string
  /** ISO time the session was started. */
  timestamp: string
  /** Working directory of the session; empty for old files that lack it. */
  cwd: string
  /** Path of the session file this one was forked from. */
  parentSession?: string
  [field: string]: unknown
}

export type TextContent = { type: 'text'; text: string }
export type ImageContent = { type: 'image'; data: string; mimeType: string }
export type ThinkingContent = { type: 'thinking'; thinking: string }
export type ToolCall = { type: 'toolCall'; id: string; name: string; arguments: Record<string, unknown> }

export type Usage = {
  input: number
  output: number
  cacheRead: number
  cacheWrite: number
  totalTokens: number
  cost: { input: number; output: number; cacheRead: number; cacheWrite: number; total: number }
}

export type UserMessage = {
  role: 'user'
  content: string | (TextContent | ImageContent)[]
  /** Unix milliseconds. */
  timestamp?: number
}

export type AssistantMessage = {
  role: 'assistant'
  content: (TextContent | ThinkingContent | ToolCall)[]
  api: string
  provider: string
  model: string
  usage: Usage
  stopReason: 'stop' | 'length' | 'toolUse' | 'error' | 'aborted'
  errorMessage?: string
  timestamp?: number
}

export type ToolResultMessage = {
  role: 'toolResult'
  toolCallId: string
  toolName: string
  content: (TextContent | ImageContent)[]
  details?: unknown
  isError: boolean
  timestamp?: number
}

export type BashExecutionMessage = {
  role: 'bashExecution'
  command: string
  output: string
  exitCode: number | undefined
  cancelled: boolean
  truncated: boolean
  fullOutputPath?: string
  excludeFromContext?: boolean
  timestamp?: number
}

/** Called `hookMessage` before version 3. */
export type CustomMessage = {
  role: 'custom'
  customType: string
  content: string | (TextContent | ImageContent)[]
  display: boolean
  details?: unknown
  timestamp?: number
}

export type BranchSummaryMessage = { role: 'branchSummary'; summary: string; fromId: string; timestamp?: number }
export type CompactionSummaryMessage = { role: 'compactionSummary'; summary: string; tokensBefore: number; timestamp?: number }

/** What a `message` entry carries. */
export type AgentMessage =
  | UserMessage
  | AssistantMessage
  | ToolResultMessage
  | BashExecutionMessage
  | CustomMessage
  | BranchSummaryMessage
  | CompactionSummaryMessage

/** Fields every entry has. */
export type SessionEntryBase = {
  type: string
  /** 8 hex digits, unique in the file. */
  id: string
  /** The parent entry; null for a root. */
  parentId: string | null
  /** ISO time. */
  timestamp: string
}

export type MessageEntry = SessionEntryBase & { type: 'message'; message: AgentMessage }
export type ModelChangeEntry = SessionEntryBase & { type: 'model_change'; provider: string; modelId: string }
export type ThinkingLevelChangeEntry = SessionEntryBase & { type: 'thinking_level_change'; thinkingLevel: string }
export type CompactionEntry = SessionEntryBase & {
  type: 'compaction'
  summary: string
  firstKeptEntryId: string
  tokensBefore: number
  details?: unknown
  fromHook?: boolean
}
export type BranchSummaryEntry = SessionEntryBase & {
  type: 'branch_summary'
  /** The entry the abandoned branch ended at (`root` when branching from before the first entry). */
  fromId: string
  summary: string
  details?: unknown
  fromHook?: boolean
}
/** Extension state, never sent to the model. Arbor's own state lives only in these, with `customType` `arbor.*`. */
export type CustomEntry = SessionEntryBase & { type: 'custom'; customType: string; data?: unknown }
/** An extension's message that is sent to the model. */
export type CustomMessageEntry = SessionEntryBase & {
  type: 'custom_message'
  customType: string
  content: string | (TextContent | ImageContent)[]
  display: boolean
  details?: unknown
}
/** Sets the label of `targetId`; an empty or missing label clears it. The latest one wins. */
export type LabelEntry = SessionEntryBase & { type: 'label'; targetId: string; label?: string }
/** The session's display name; the latest one with a name wins. */
export type SessionInfoEntry = SessionEntryBase & { type: 'session_info'; name?: string }

export type SessionEntry =
  | MessageEntry
  | ModelChangeEntry
  | ThinkingLevelChangeEntry
  | CompactionEntry
  | BranchSummaryEntry
  | CustomEntry
  | CustomMessageEntry
  | LabelEntry
  | SessionInfoEntry

/** An entry whose type Arbor does not know; kept in the tree and written back unchanged. */
export type UnknownEntry = SessionEntryBase & { [field: string]: unknown }

/** Distributes `Omit` over a union. */
type OmitEach<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

/** An entry to append: the document assigns `id` and `parentId`, and `timestamp` unless given. */
export type NewSessionEntry = OmitEach<SessionEntry, 'id' | 'parentId' | 'timestamp'> & { timestamp?: string }

/** Stable codes of the problems `parseSession` repairs or skips. */
export type SessionWarningCode =
  /** A line that is not JSON, or not an entry; skipped. */
  | 'SESSION_LINE_CORRUPT'
  /** The last line ends without a newline and is incomplete: a write was interrupted; skipped. */
  | 'SESSION_LINE_TORN'
  /** A second `session` header inside the file; skipped. */
  | 'SESSION_EXTRA_HEADER'
  /** An entry with the id of an earlier one: dropped when the line is identical, given a fresh id otherwise. */
  | 'SESSION_DUPLICATE_ID'
  /** An entry without an id; given a fresh one. */
  | 'SESSION_MISSING_ID'
  /** An entry whose parent is not in the file (or that has no `parentId`); made a root. */
  | 'SESSION_DANGLING_PARENT'
  /** Entries whose parents form a loop; the earliest of them in the file is made a root. */
  | 'SESSION_CYCLE'
  /** A header version newer than 3; read as version 3. */
  | 'SESSION_VERSION_NEWER'

export type SessionWarning = {
  code: SessionWarningCode
  /** 1-based line number in the file. */
  line?: number
  /** The entry concerned, by the id it has after the repair. */
  entryId?: string
  /** For people. */
  message: string
}

/** An entry as held in memory, with the exact line it was read from for as long as it is unchanged. */
export type SessionRecord = {
  entry: SessionEntry
  /** The line as read (without its newline); undefined once the entry was changed or for a new entry. */
  raw: string | undefined
  /** 1-based line number in the file it was read from. */
  line: number | undefined
}
