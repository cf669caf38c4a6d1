import type { ExtensionAPI, ExtensionContext } from '../../../src/shared/extensions/ExtensionAPI'

const pad = (label: string, value: string): string => `  ${label.padEnd(40)} ${value.padStart(8)}`

async function composition(ctx: ExtensionContext): Promise<string> {
  const known = (await ctx.countTokens('probe')) !== null
  const count = async (text: string): Promise<number | null> => (!known ? null : text ? ctx.countTokens(text) : 0)
  const rows: { label: string; tokens: number | null; chars: number }[] = []
  rows.push({ label: 'system prompt', tokens: await count(ctx.systemPrompt), chars: ctx.systemPrompt.length })

  // Tools: as the chat template renders them (instructions once, then each definition), measured by Arbor.
  const cost = await ctx.getToolCost()
  if (cost && cost.total > 0) {
    rows.push({ label: 'function-calling instructions', tokens: cost.instructions, chars: 0 })
    const byExtension = new Map<string, { count: number; tokens: number }>()
    for (const tool of cost.tools) {
      const sum = byExtension.get(tool.extension) ?? { count: 0, tokens: 0 }
      byExtension.set(tool.extension, { count: sum.count + 1, tokens: sum.tokens + tool.tokens })
    }
    for (const [extension, sum] of byExtension) rows.push({ label: `tools of ${extension} (${sum.count})`, tokens: sum.tokens, chars: 0 })
  } else if (!known) {
    const tools = await ctx.getTools()
    const extensions = new Set(tools.map((t) => t.extension))
    for (const extension of extensions) {
      const list = tools.filter((t) => t.extension === extension)
      const chars = JSON.stringify(list.map(({ name, description, parameters }) => ({ name, description, parameters }))).length
      rows.push({ label: `tools of ${extension} (${list.length})`, tokens: null, chars })
    }
  }

  // What reaches the model: command outputs shown but not sent are left out.
  const sent = ctx.path.filter((n) => !n.hidden)
  const history = sent.map((n) => n.text).join('\n')
  rows.push({ label: `history (${sent.length} messages on the path)`, tokens: await count(history), chars: history.length })

  const total = rows.reduce((sum, r) => sum + (r.tokens ?? 0), 0)
  const lines = [ctx.model ? `Context of ${ctx.model.name ?? ctx.model.fileName} at the current position:` : 'No model is loaded: token counts are unknown; characters shown instead.']
  for (const row of rows) lines.push(pad(row.label, known ? String(row.tokens) : `${row.chars} ch`))
  if (known) {
    const size = ctx.model?.contextSize
    lines.push(pad('total', String(total)) + (size ? `  of ${size} (${Math.round((total / size) * 100)}%)` : ''))
  }
  return lines.join('\n')
}

/** `/tokens`: the composition of the context (system prompt, the tools as the template renders them, the history). */
export default function tokens(arbor: ExtensionAPI): void {
  arbor.registerCommand('tokens', {
    description: 'Show what the current context is made of, in tokens',
    run: (_args, ctx) => composition(ctx),
  })
}
