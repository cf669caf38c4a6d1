import type { ExtensionAPI, ExtensionContext, ToolInfo } from '../../../src/shared/extensions/ExtensionAPI'

/** The text a tool adds to every prompt: its JSON on one line (as Arbor measures tool cost). */
const renderTool = (tool: ToolInfo): string => JSON.stringify({ name: tool.name, description: tool.description, parameters: tool.parameters })

const pad = (label: string, value: string): string => `  ${label.padEnd(34)} ${value.padStart(8)}`

async function composition(ctx: ExtensionContext): Promise<string> {
  const known = (await ctx.countTokens('probe')) !== null
  const count = async (text: string): Promise<number | null> => (!known ? null : text ? ctx.countTokens(text) : 0)
  const tools = await ctx.getTools()
  const byExtension = new Map<string, ToolInfo[]>()
  for (const tool of tools) byExtension.set(tool.extension, [...(byExtension.get(tool.extension) ?? []), tool])

  const rows: { label: string; tokens: number | null; chars: number }[] = []
  rows.push({ label: 'system prompt', tokens: await count(ctx.systemPrompt), chars: ctx.systemPrompt.length })
  for (const [extension, list] of byExtension) {
    const text = list.map(renderTool).join('\n')
    rows.push({ label: `tools of ${extension} (${list.length})`, tokens: await count(text), chars: text.length })
  }
  const history = ctx.path.map((n) => n.text).join('\n')
  rows.push({ label: `history (${ctx.path.length} messages on the path)`, tokens: await count(history), chars: history.length })

  const total = rows.reduce((sum, r) => sum + (r.tokens ?? 0), 0)
  const lines = [ctx.model ? `Context of ${ctx.model.name ?? ctx.model.fileName} at the current position:` : 'No model is loaded: token counts are unknown; characters shown instead.']
  for (const row of rows) lines.push(pad(row.label, known ? String(row.tokens) : `${row.chars} ch`))
  if (known) {
    const size = ctx.model?.contextSize
    lines.push(pad('total', String(total)) + (size ? `  of ${size} (${Math.round((total / size) * 100)}%)` : ''))
  }
  return lines.join('\n')
}

/** `/tokens`: the composition of the context (system prompt, each extension's tools, the history). */
export default function tokens(arbor: ExtensionAPI): void {
  arbor.registerCommand('tokens', {
    description: 'Show what the current context is made of, in tokens',
    run: (_args, ctx) => composition(ctx),
  })
}
