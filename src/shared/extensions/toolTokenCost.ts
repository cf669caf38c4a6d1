/** A tool as the model sees it. */
export type ToolForModel = { name: string; description: string; parameters: unknown }

/** The text a tool adds to the prompt, as Arbor measures it: its JSON, one line. */
export const renderToolForModel = (tool: ToolForModel): string =>
  JSON.stringify({ name: tool.name, description: tool.description, parameters: tool.parameters })

/**
 * Tokens each tool costs in every prompt, with `countTokens` from the loaded model. The chat template
 * wraps the list in a few tokens more; this counts the definitions themselves.
 */
export async function toolTokenCost(
  tools: readonly ToolForModel[],
  countTokens: (text: string) => number | Promise<number>,
): Promise<{ total: number; tools: { name: string; tokens: number }[] }> {
  const counted = await Promise.all(tools.map(async (t) => ({ name: t.name, tokens: await countTokens(renderToolForModel(t)) })))
  return { total: counted.reduce((sum, t) => sum + t.tokens, 0), tools: counted }
}
