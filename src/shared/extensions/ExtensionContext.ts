/** One message of the session tree, as extensions see it: plain data, a snapshot. */
export type NodeSnapshot = {
  id: string
  parentId: string | null
  kind: 'user' | 'assistant' | 'toolResult' | 'branchSummary' | 'compactionSummary' | 'custom'
  text: string
  /** Shown in the tree but never sent to the model (a command's output, unless it asked). */
  hidden?: boolean
}

/** Facts of the loaded model. */
export type ModelInfo = {
  path: string
  fileName: string
  name: string | null
  architecture: string
  parameters: number
  trainContextSize: number
  /** The context size it was loaded with. */
  contextSize: number
}

/** A tool offered to the model, with the extension that registered it. */
export type ToolInfo = {
  extension: string
  name: string
  description: string
  parameters: Record<string, unknown>
}

/** What the tools offered to the model cost in every prompt, in tokens of the loaded model's chat template. */
export type ToolCostReport = {
  /** All of them together: what the prompt grows by. */
  total: number
  /** The template's function-calling instructions, paid once as soon as any tool is offered. */
  instructions: number
  /** Each tool's own definition: what leaving it out saves. */
  tools: { name: string; extension: string; tokens: number }[]
}

/** What every handler receives beside its arguments. */
export interface ExtensionContext {
  /** The messages from the root to the current position, oldest first. */
  readonly path: readonly NodeSnapshot[]
  /** The system prompt of the open session. */
  readonly systemPrompt: string
  /** The loaded model; null while none is loaded. */
  readonly model: ModelInfo | null
  /** The settings the user gave this extension (with the manifest's defaults). */
  readonly settings: Readonly<Record<string, string>>
  /** Every node of the open session (fetched on demand: a tree can be large). */
  getTree(): Promise<readonly NodeSnapshot[]>
  /** The tools every extension offers to the model. */
  getTools(): Promise<readonly ToolInfo[]>
  /** What the offered tools cost in every prompt; null when no model is loaded. */
  getToolCost(): Promise<ToolCostReport | null>
  /** Tokens of a text with the loaded model; null when no model is loaded. */
  countTokens(text: string): Promise<number | null>
  /** Shows a short message to the user. */
  notify(text: string): void
  /** Stores extension state in the session, as a Pi `custom` entry of this type. */
  appendEntry(customType: string, data: unknown): Promise<void>
  /**
   * Aborts when the user stops the turn (or the call is no longer wanted): a long tool or command should stop its
   * work then. One that does not is stopped by its timeout and its answer dropped.
   */
  readonly signal: AbortSignal
  /** Reports progress of a long tool or command, shown in the chat beside its call (the latest text wins). */
  onUpdate(text: string): void
}
