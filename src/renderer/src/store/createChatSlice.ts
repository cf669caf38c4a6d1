import type { StateCreator } from 'zustand'
import type { Conversation, MessageNode } from '../../../shared/types'
import type { ArborClient } from '../api/ArborClient'
import type { AppState } from './AppState'

export type ChatSlice = {
  conversation: Conversation
  generating: boolean
  /** Sends a message under the selected node; false when the core refused it (the message was not added). */
  sendMessage(text: string): Promise<boolean>
  stopGeneration(): Promise<void>
  resetChat(): Promise<void>
  saveSystemPrompt(text: string): Promise<void>
}

const upsert = (nodes: MessageNode[], node: MessageNode): MessageNode[] =>
  nodes.some((n) => n.id === node.id) ? nodes.map((n) => (n.id === node.id ? node : n)) : [...nodes, node]

/** Codes with which `chat.send` answers before adding the message to the conversation. */
const refusals = new Set<string>(['NO_MODEL_LOADED', 'GENERATION_IN_PROGRESS', 'BAD_REQUEST', 'UNKNOWN_REQUEST', 'UNAUTHORIZED'])

export const createChatSlice =
  (client: ArborClient): StateCreator<AppState, [], [], ChatSlice> =>
  (set, get) => ({
    conversation: { systemPrompt: '', systemPromptTokens: null, nodes: [], leafId: null },
    generating: false,

    async sendMessage(text) {
      set({ generating: true })
      const result = await client.request('chat.send', { text })
      set({ generating: false })
      if (!result.ok) {
        get().showError(result.error, 'Sending the message')
        return !refusals.has(result.error.code)
      }
      const { conversation } = get()
      const { user, assistant } = result.value
      set({ conversation: { ...conversation, nodes: upsert(upsert(conversation.nodes, user), assistant) } })
      return true
    },

    async stopGeneration() {
      const result = await client.request('chat.stop', undefined)
      if (!result.ok) get().showError(result.error, 'Stopping the reply')
    },

    async resetChat() {
      const result = await client.request('chat.reset', undefined)
      if (!result.ok) return get().showError(result.error, 'Starting a new chat')
      set({ conversation: result.value })
    },

    async saveSystemPrompt(text) {
      const result = await client.request('chat.setSystemPrompt', { text })
      if (!result.ok) return get().showError(result.error, 'Saving the system prompt')
      set({ conversation: result.value })
    },
  })
