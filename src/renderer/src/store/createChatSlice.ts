import type { StateCreator } from 'zustand'
import type { ArborError } from '../../../shared/errors'
import type { ArborClient } from '../api/ArborClient'
import type { AppState } from './AppState'

export type ChatSlice = {
  generating: boolean
  /**
   * The answer being written: its pending node and the text so far (merged into the tree when it is stored), how far
   * its prompt has been read, and when its first token came and how many came since (for the live speed).
   */
  streaming: {
    nodeId: string
    text: string
    /** Its thinking so far (thought segments), shown folded above the text. */
    reasoning?: string
    prompt?: { evaluated: number; total: number }
    tokens?: number
    firstTokenAt?: number
  } | null
  /** The latest progress each running tool call reported, by call id. */
  toolProgress: Readonly<Record<string, string>>
  /** The compaction being written (before a turn, or `/compact`): which summary of how many, and its tokens so far. */
  compacting: { step: number; steps: number; tokens: number } | null
  /** The `/command` running now (its text), for the spinner and its Stop. */
  runningCommand: string | null
  /**
   * The last `/command` that failed, or the last message refused because the context is full, and why: shown with the
   * messages (not as a banner); cleared by the next one.
   */
  commandError: { command: string; error: ArborError; title?: string } | null
  dismissCommandError(): void
  /** The chat input's text. */
  draft: string
  /** The text "Edit in composer" put in the input; cleared again on the next move if untouched. */
  autoDraft: string | null
  /** What the user had typed before "Edit in composer" replaced it: given back when that edit is sent or dropped. */
  savedDraft: string | null
  setDraft(text: string): void
  /** Puts a message's text in the input to edit it ("Edit in composer"), keeping what was typed to give it back. */
  putDraft(text: string): void
  /** Gives the typed draft back if the input still holds only what "Edit in composer" put there. */
  clearAutoDraft(): void
  /** Sends a message at the current position; false when the core refused it (the message was not added). */
  sendMessage(text: string): Promise<boolean>
  /** Sends `text` as a new sibling of a user message: an edit that keeps the original branch. */
  editMessage(userId: string, text: string): Promise<boolean>
  /** Answers the same path again: a new sibling of an assistant message. */
  regenerate(assistantId: string): Promise<void>
  stopGeneration(): Promise<void>
  saveSystemPrompt(text: string): Promise<void>
  /** What sending the draft would take of the context, counted by the core for `text` at `leafId`; null without a model. */
  draftCount: (DraftCount & { text: string; leafId: string | null }) | null
  countDraft(text: string): Promise<void>
}

export type DraftCount = { promptTokens: number; maxPromptTokens: number; compactAt: number; contextSize: number }

/** Codes with which `chat.send` answers before adding the message to the conversation. */
const refusals = new Set<string>(['CONTEXT_OVERFLOW', 'LOAD_IN_PROGRESS', 'NO_MODEL_LOADED', 'GENERATION_IN_PROGRESS', 'BAD_REQUEST', 'UNKNOWN_REQUEST', 'UNAUTHORIZED', 'NODE_NOT_FOUND', 'COMMAND_NOT_FOUND', 'EXTENSION_NOT_FOUND'])

export const createChatSlice =
  (client: ArborClient): StateCreator<AppState, [], [], ChatSlice> =>
  (set, get) => {
    /** `/name args` runs an extension's command: no model call, zero tokens; its output becomes a node. */
    const command = async (text: string, parentId: string | null | undefined): Promise<boolean> => {
      set({ autoDraft: null, runningCommand: text, commandError: null })
      const result = await client.request('chat.command', parentId === undefined ? { text } : { text, parentId })
      set({ runningCommand: null })
      // Its node arrives as a change of the session, like every other. A failure is the command's, shown with it.
      if (!result.ok) {
        set({ commandError: { command: text, error: result.error } })
        return !refusals.has(result.error.code)
      }
      return true
    }

    const send = async (text: string, parentId: string | null | undefined, what: string): Promise<boolean> => {
      if (/^\/[^\s/]/.test(text.trim())) return command(text.trim(), parentId)
      const saved = get().savedDraft
      set({ generating: true, autoDraft: null, savedDraft: null })
      // The edit is on its way: what the user had typed before comes back.
      if (saved !== null && get().draft === '') set({ draft: saved })
      const sampling = get().sampling
      set({ commandError: null })
      const result = await client.request('chat.send', parentId === undefined ? { text, sampling } : { text, parentId, sampling })
      set({ generating: false })
      // The context is full: said where the message would have gone, beside the draft that is kept.
      if (!result.ok && result.error.code === 'CONTEXT_OVERFLOW') {
        set({ commandError: { command: '', title: 'Not sent: the context is full', error: result.error } })
        return false
      }
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
      compacting: null,
      runningCommand: null,
      commandError: null,
      dismissCommandError() {
        set({ commandError: null })
      },
      draft: '',
      autoDraft: null,
      savedDraft: null,

      setDraft(draft) {
        set({ draft })
      },

      putDraft(text) {
        const { draft, autoDraft, savedDraft } = get()
        // A second edit keeps the draft saved by the first; a typed draft is saved, never lost.
        const keep = autoDraft !== null && draft === autoDraft ? savedDraft : draft.trim() !== '' ? draft : null
        set({ draft: text, autoDraft: text, savedDraft: keep })
      },

      clearAutoDraft() {
        const { draft, autoDraft, savedDraft } = get()
        if (autoDraft === null) return
        // Untouched: the edit is dropped and the typed draft comes back. Changed: it is the user's draft now.
        set({ autoDraft: null, savedDraft: null, ...(draft === autoDraft ? { draft: savedDraft ?? '' } : {}) })
      },

      sendMessage: (text) => send(text, undefined, 'Sending the message'),

      editMessage(userId, text) {
        const node = get().byId.get(userId)
        if (!node) return Promise.resolve(false)
        return send(text, node.parentId, 'Sending the edited message')
      },

      async regenerate(assistantId) {
        set({ generating: true })
        // A new seed unless one is fixed (the core picks it): siblings differ, and each says which seed it had.
        const result = await client.request('chat.regenerate', { nodeId: assistantId, sampling: get().sampling })
        set({ generating: false })
        if (!result.ok) return get().showError(result.error, 'Regenerating the answer')
      },

      async stopGeneration() {
        const result = await client.request('chat.stop', undefined)
        if (!result.ok) get().showError(result.error, 'Stopping the reply')
      },

      draftCount: null,
      async countDraft(text) {
        const leafId = get().session.leafId
        const result = await client.request('chat.countDraft', { text })
        // An answer for a draft or position that changed meanwhile is dropped: the next count is on its way.
        if (get().draft.trim() !== text || get().session.leafId !== leafId) return
        set({ draftCount: result.ok && result.value ? { ...result.value, text, leafId } : null })
      },

      async saveSystemPrompt(text) {
        const result = await client.request('chat.setSystemPrompt', { text })
        if (!result.ok) return get().showError(result.error, 'Saving the system prompt')
        get().applyDelta(result.value)
      },
    }
  }
