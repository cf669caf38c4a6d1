/** A tool as the model sees it. */
export type ToolForModel = { name: string; description: string; parameters: unknown }

/** What offering tools costs in every prompt, in tokens of the loaded model's chat template. */
export type ToolPromptCost = {
  /** All the tools together: what the prompt grows by when they are offered. */
  total: number
  /** Paid once as soon as any tool is offered: the template's instructions on how to call functions. */
  instructions: number
  /** Each tool's own definition (what leaving it out saves), in order. */
  tools: { name: string; tokens: number }[]
}

/**
 * Splits the cost of tools into the shared instructions and each tool's definition. `added(subset)` answers how
 * many tokens a subset of the tools adds to a prompt (the engine renders the prompt with the chat template, with
 * and without them). Each tool costs what leaving it out saves; the instructions are the rest.
 */
export async function toolTokenCost(tools: readonly ToolForModel[], added: (subset: readonly ToolForModel[]) => number | Promise<number>): Promise<ToolPromptCost> {
  if (tools.length === 0) return { total: 0, instructions: 0, tools: [] }
  const total = await added(tools)
  const each = await Promise.all(tools.map(async (tool) => ({ name: tool.name, tokens: total - (await added(tools.filter((t) => t !== tool))) })))
  return { total, instructions: total - each.reduce((sum, t) => sum + t.tokens, 0), tools: each }
}

/** What a group of the tools (an extension's) costs: what the prompt loses without them. */
export async function groupTokenCost(
  tools: readonly ToolForModel[],
  inGroup: (tool: ToolForModel) => boolean,
  added: (subset: readonly ToolForModel[]) => number | Promise<number>,
): Promise<number> {
  if (!tools.some(inGroup)) return 0
  return (await added(tools)) - (await added(tools.filter((t) => !inGroup(t))))
}
