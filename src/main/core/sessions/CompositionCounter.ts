import type { ToolForModel } from '../../../shared/extensions/toolTokenCost'
import type { SessionEntry } from '../../../shared/session/sessionTypes'
import { contextMessages } from '../../../shared/tree/contextMessages'
import { nodeKindOf } from '../../../shared/tree/treeNodes'
import type { ContextComposition } from '../../../shared/treeView'
import type { Engine } from '../engine'
import { toolPromptTokens } from '../turns/toolPromptTokens'
import type { TokenCounts } from './TokenCounts'

export type CompositionInput = {
  sessionId: string
  position: string | null
  systemPrompt: string
  /** The entries from the root to the position. */
  path: readonly SessionEntry[]
  /** The text whose tokens a node costs. */
  countedText(id: string): string
  tools: readonly ToolForModel[]
}

/**
 * What the context at a position costs, part by part: the system prompt, the tools offered, the messages that reach
 * the model, and the template's tokens around them; together the prompt the chat template renders. Rendering the
 * whole path costs ~0.4 ms per thousand tokens, so it is done once per position, prompt and tools.
 */
export class CompositionCounter {
  private lastPrompt: { key: string; tokens: number } | null = null
  private readonly toolCosts = new Map<string, number>()

  constructor(
    private readonly engine: Engine,
    private readonly counts: TokenCounts,
  ) {}

  /** Another model: nothing rendered before holds. */
  reset(): void {
    this.lastPrompt = null
    this.toolCosts.clear()
  }

  /** The chat template's tokens around one message, from rendering a user and an assistant message of one token each. */
  private async templatePerMessage(input: CompositionInput): Promise<number> {
    const request = (messages: { role: 'user' | 'assistant'; text: string }[]) => this.engine.promptTokens({ systemPrompt: input.systemPrompt, messages, tools: [...input.tools] })
    const pair = (await request([{ role: 'user', text: 'a' }, { role: 'assistant', text: 'b' }])) - (await request([]))
    return Math.max(0, Math.ceil((pair - 2) / 2))
  }

  /** Null when no model is loaded (or it went while counting). */
  async compute(input: CompositionInput): Promise<ContextComposition | null> {
    const loaded = this.engine.loaded
    if (!loaded) return null
    try {
      const messages = contextMessages(input.path)
      const sent = new Set(messages.map((m) => m.id))
      const nodes = input.path.filter((e) => nodeKindOf(e) !== null && sent.has(e.id))
      await this.counts.count(nodes.map((e) => ({ id: e.id, text: () => input.countedText(e.id) })))
      const historyTokens = nodes.reduce((sum, e) => sum + (this.counts.get(e.id) ?? 0), 0)
      const systemPromptTokens = (await this.counts.ofText(input.systemPrompt)) ?? 0
      const toolsKey = JSON.stringify(input.tools)
      let toolTokens = this.toolCosts.get(toolsKey)
      if (toolTokens === undefined) {
        toolTokens = await toolPromptTokens(this.engine, input.tools)
        if (this.toolCosts.size > 16) this.toolCosts.clear()
        this.toolCosts.set(toolsKey, toolTokens)
      }
      const key = `${input.sessionId}\0${input.position}\0${input.systemPrompt}\0${toolsKey}`
      // Far past the context (an imported Pi session): not rendered whole, which would hold every other request for
      // most of a second per 500k tokens; the template's part is estimated from a two-message rendering.
      const estimated = systemPromptTokens + toolTokens + historyTokens > 2 * loaded.settings.contextSize
      if (this.lastPrompt?.key !== key) {
        const tokens = estimated
          ? systemPromptTokens + toolTokens + historyTokens + (await this.templatePerMessage(input)) * messages.length
          : await this.engine.promptTokens({ systemPrompt: input.systemPrompt, messages, tools: [...input.tools] })
        this.lastPrompt = { key, tokens }
      }
      return {
        systemPromptTokens,
        toolTokens,
        historyTokens,
        historyMessages: messages.length,
        templateTokens: Math.max(0, this.lastPrompt.tokens - systemPromptTokens - toolTokens - historyTokens),
        contextSize: loaded.settings.contextSize,
        ...(estimated ? { estimated: true } : {}),
        ...((await this.engine.info()).capabilities.exactTokenCounts ? {} : { approximate: true }),
      }
    } catch {
      // The model went away while counting: there is nothing to show.
      return null
    }
  }
}
