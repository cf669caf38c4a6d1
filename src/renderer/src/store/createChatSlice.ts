import type { StateCreator } from 'zustand'
import type { ArborError } from '../../../shared/errors'
import type { ArborClient } from '../api/ArborClient'
import type { AppState } from './AppState'

export type ChatSlice = {
  generating: boolean
  /** The answer being written: its pending node and the text so far (merged into the tree when it is stored). */
  streaming: { nodeId: string; text: string } | null
  /** The latest progress each running tool call reported, by call id. */
  toolProgress: Readonly<Record<string, string>>
  /** The chat input's text. */
  draft: string
  /** The text a selected user message put in the input; cleared again on the next move if untouched. */
  autoDraft: string | null
  setDraft(text: string): void
  /** Puts a message's text in the input (selecting a user message). */
  putDraft(text: string): void
  /** Empties the input if it still holds only what a selection put there. */
  clearAutoDraft(): void
  /** Sends a message at the current position; false when the core refused it (the message was not added). */
  sendMessage(text: string): Promise<boolean>
  /** Sends `text` as a new sibling of a user message: an edit that keeps the original branch. */
  editMessage(userId: string, text: string): Promise<boolean>
  /** Answers the same path again: a new sibling of an assistant message. */
  regenerate(assistantId: string): Promise<void>
  stopGeneration(): Promise<void>
  saveSystemPrompt(text: string): Promise<void>
}

/** Codes with which `chat.send` answers before adding the message to the conversation. */
const refusals = new Set<string>(['NO_MODEL_LOADED', 'GENERATION_IN_PROGRESS', 'BAD_REQUEST', 'UNKNOWN_REQUEST', 'UNAUTHORIZED', 'NODE_NOT_FOUND', 'COMMAND_NOT_FOUND', 'EXTENSION_NOT_FOUND'])

export const createChatSlice =
  (client: ArborClient): StateCreator<AppState, [], [], ChatSlice> =>
  (set, get) => {
    /** `/name args` runs an extension's command: no model call, zero tokens; its output becomes a node. */
    const command = async (text: string, parentId: string | null | undefined, what: string): Promise<boolean> => {
      set({ autoDraft: null })
      const result = await client.request('chat.command', parentId === undefined ? { text } : { text, parentId })
      // Its node arrives as a change of the session, like every other.
      if (!result.ok) return refused(result.error, what)
      return true
    }

    const send = async (text: string, parentId: string | null | undefined, what: string): Promise<boolean> => {
      if (/^\/[^\s/]/.test(text.trim())) return command(text.trim(), parentId, what)
      set({ generating: true, autoDraft: null })
      const result = await client.request('chat.send', parentId === undefined ? { text } : { text, parentId })
      set({ generating: false })
      // The nodes arrived as changes of the session while the answer was written: the answer adds nothing newer.
      if (!result.ok) return refused(result.error, what)
      return true
    }

    const refused = (error: ArborError, what: string): boolean => {
      get().showError(error, what)
      return !refusals.has(error.code)
    }

    return {
      generating: false,
      streaming: null,
      toolProgress: {},
      draft: '',
      autoDraft: null,

      setDraft(draft) {
        set({ draft })
      },

      putDraft(text) {
        set({ draft: text, autoDraft: text })
      },

      clearAutoDraft() {
        const { draft, autoDraft } = get()
        if (autoDraft !== null) set({ autoDraft: null, ...(draft === autoDraft ? { draft: '' } : {}) })
      },

      sendMessage: (text) => send(text, undefined, 'Sending the message'),

      editMessage(userId, text) {
        const node = get().byId.get(userId)
        if (!node) return Promise.resolve(false)
        return send(text, node.parentId, 'Sending the edited message')
      },

      async regenerate(assistantId) {
        set({ generating: true })
        const result = await client.request('chat.regenerate', { nodeId: assistantId })
        set({ generating: false })
        if (!result.ok) return get().showError(result.error, 'Regenerating the answer')
      },

      async stopGeneration() {
        const result = await client.request('chat.stop', undefined)
        if (!result.ok) get().showError(result.error, 'Stopping the reply')
      },

      async saveSystemPrompt(text) {
        const result = await client.request('chat.setSystemPrompt', { text })
        if (!result.ok) return get().showError(result.error, 'Saving the system prompt')
        get().applyDelta(result.value)
      },
    }
  }
