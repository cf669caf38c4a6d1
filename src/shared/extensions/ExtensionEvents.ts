import type { ModelInfo } from './ExtensionContext'

/** A tool call the model made (Pi's `toolCall` content block). */
export type ToolCallRef = { id: string; name: string; arguments: Record<string, unknown> }

/** A message of the context about to be evaluated. */
export type ContextMessage = {
  role: 'user' | 'assistant' | 'toolResult'
  text: string
  /** The session node it comes from, when it has one. */
  id?: string
  /** For `assistant`: the tools it called after its text, in order. */
  toolCalls?: ToolCallRef[]
  /** For `toolResult`: the call it answers. */
  toolCallId?: string
  /** For `toolResult`: the tool that produced it. */
  toolName?: string
  /** For `toolResult`: the tool failed or was blocked; `text` says why. */
  isError?: boolean
}

/** Before a turn: what the model is about to read. */
export type ContextEvent = { systemPrompt: string; messages: ContextMessage[] }
/** A `context` handler may replace the system prompt, the messages, or both. */
export type ContextResult = { systemPrompt?: string; messages?: ContextMessage[] }

/** Before a tool runs (any tool, the core's or an extension's). */
export type ToolCallEvent = { name: string; args: unknown }
/** A `toolCall` handler may block the call; the reason becomes the tool's result. */
export type ToolCallResult = { block: true; reason: string }

/** After the model finished a reply. */
export type TurnEndEvent = {
  /** The assistant node just written. */
  nodeId: string
  text: string
  /** Why generation stopped, when the core knows (`toolUse`: it called tools; their results follow). */
  stopReason?: 'eos' | 'maxTokens' | 'stopped' | 'error' | 'toolUse'
}

/** A session was opened or created. */
export type SessionStartEvent = { sessionId: string; file: string | null; workingFolder: string | null }

/** A model finished loading. */
export type ModelLoadedEvent = { model: ModelInfo }

/** Every event an extension can listen to: its payload and what a handler may return. */
export type ExtensionEvents = {
  context: { event: ContextEvent; result: ContextResult | void }
  toolCall: { event: ToolCallEvent; result: ToolCallResult | void }
  turnEnd: { event: TurnEndEvent; result: void }
  sessionStart: { event: SessionStartEvent; result: void }
  modelLoaded: { event: ModelLoadedEvent; result: void }
}

export type HookName = keyof ExtensionEvents

export const hookNames = ['context', 'toolCall', 'turnEnd', 'sessionStart', 'modelLoaded'] as const satisfies readonly HookName[]
