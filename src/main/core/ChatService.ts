import { randomBytes } from 'node:crypto'
import type { ArborEvent } from '../../shared/contract'
import { pathTo } from '../../shared/conversationTree'
import { ArborFailure } from '../../shared/errors'
import type { Conversation, MessageNode } from '../../shared/types'
import type { ModelRuntime } from './engine/ModelRuntime'

/** Tiny on purpose: every token of it is paid on every turn. */
export const DEFAULT_SYSTEM_PROMPT = 'You are a helpful assistant. Answer clearly and briefly.'

/** 8 hex digits, as Pi's session entries use. */
export const newNodeId = (): string => randomBytes(4).toString('hex')

/** The conversation (a tree of messages) and the one generation that may run on it. */
export class ChatService {
  private systemPrompt = DEFAULT_SYSTEM_PROMPT
  private nodes: MessageNode[] = []
  private leafId: string | null = null
  private generation: AbortController | null = null

  constructor(
    private readonly emit: (event: ArborEvent) => void,
    private readonly runtime: () => ModelRuntime | null,
  ) {}

  get generating(): boolean {
    return this.generation !== null
  }

  snapshot(): Conversation {
    const runtime = this.runtime()
    return {
      systemPrompt: this.systemPrompt,
      systemPromptTokens: runtime ? runtime.countTokens(this.systemPrompt) : null,
      nodes: this.nodes.map((n) => ({ ...n })),
      leafId: this.leafId,
    }
  }

  private changed(): Conversation {
    const conversation = this.snapshot()
    this.emit({ type: 'conversation.changed', conversation })
    return conversation
  }

  setSystemPrompt(text: string): Conversation {
    this.systemPrompt = text
    return this.changed()
  }

  select(nodeId: string | null): Conversation {
    if (nodeId !== null && !this.nodes.some((n) => n.id === nodeId))
      throw new ArborFailure('BAD_REQUEST', `There is no message ${nodeId} in this conversation.`)
    this.leafId = nodeId
    return this.changed()
  }

  reset(): Conversation {
    this.stop()
    this.nodes = []
    this.leafId = null
    return this.changed()
  }

  stop(): boolean {
    if (!this.generation) return false
    this.generation.abort()
    return true
  }

  /** Adds the user's message under `parentId` (default: the selected node) and streams the reply. */
  async send(text: string, parentId?: string | null, maxTokens?: number): Promise<{ user: MessageNode; assistant: MessageNode }> {
    const runtime = this.runtime()
    if (!runtime) throw new ArborFailure('NO_MODEL_LOADED', 'Load a model before sending a message.')
    if (this.generation) throw new ArborFailure('GENERATION_IN_PROGRESS', 'A reply is still being written. Stop it or wait.')
    const parent = parentId === undefined ? this.leafId : parentId
    if (parent !== null && !this.nodes.some((n) => n.id === parent))
      throw new ArborFailure('BAD_REQUEST', `There is no message ${parent} in this conversation.`)

    const now = () => new Date().toISOString()
    const user: MessageNode = { id: newNodeId(), parentId: parent, role: 'user', text, createdAt: now() }
    const assistant: MessageNode = { id: newNodeId(), parentId: user.id, role: 'assistant', text: '', createdAt: now() }
    const path = pathTo(this.nodes, parent).concat(user)
    this.nodes.push(user, assistant)
    this.leafId = assistant.id
    this.changed()
    this.emit({ type: 'chat.turnStart', user: { ...user }, assistant: { ...assistant } })

    const abort = new AbortController()
    this.generation = abort
    try {
      const { text: reply, stats } = await runtime.generate(
        this.systemPrompt,
        path.map((m) => ({ role: m.role, text: m.text })),
        {
          signal: abort.signal,
          maxTokens,
          onText: (chunk) => {
            assistant.text += chunk
            this.emit({ type: 'chat.token', nodeId: assistant.id, text: chunk })
          },
        },
      )
      assistant.text = reply
      assistant.stats = stats
    } catch (error) {
      assistant.error = (error as Error)?.message ?? String(error)
      throw new ArborFailure('GENERATION_FAILED', `The model failed while answering: ${assistant.error}`)
    } finally {
      this.generation = null
      this.emit({ type: 'chat.turnEnd', node: { ...assistant } })
      this.changed()
    }
    return { user: { ...user }, assistant: { ...assistant } }
  }
}
