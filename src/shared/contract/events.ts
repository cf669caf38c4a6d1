import { z } from 'zod'
import { extensionViewSchema } from './extensionSchemas'
import { loadPhaseSchema, loadStateSchema, memorySampleSchema, modelEntrySchema } from './modelSchemas'
import { appSettingsSchema } from './settingsSchemas'
import { apiRequestLogSchema, apiServerStatusSchema } from './apiSchemas'
import { downloadViewSchema } from './hubSchemas'
import { sessionDeltaSchema, sessionSummarySchema, sessionViewSchema, treeNodeSchema } from './sessionSchemas'

/** Every event the core announces to its clients, with its schema; checked where it crosses the wire. */

const count = z.number().int().min(0)

export const arborEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('model.loadProgress'), path: z.string(), phase: loadPhaseSchema, bytesRead: count, bytesTotal: count }),
  z.object({ type: z.literal('model.loadState'), state: loadStateSchema }),
  z.object({ type: z.literal('models.changed'), models: z.array(modelEntrySchema) }),
  z.object({ type: z.literal('memory.sample'), sample: memorySampleSchema }),
  /** An answer starts streaming under a pending node id (with the user message it answers, if any). */
  z.object({ type: z.literal('chat.turnStart'), user: treeNodeSchema.nullable(), assistant: treeNodeSchema }),
  /** How far the prompt of the answer under `nodeId` has been read (long prompts only, between batches). */
  z.object({ type: z.literal('chat.promptProgress'), nodeId: z.string(), evaluated: count, total: count }),
  /** Text of the answer streaming under `nodeId` (the pending id). */
  z.object({ type: z.literal('chat.token'), nodeId: z.string(), text: z.string() }),
  /** Thinking of the answer streaming under `nodeId` (a thought segment), before or between its text. */
  z.object({ type: z.literal('chat.reasoning'), nodeId: z.string(), text: z.string() }),
  /** A long tool's progress (`ctx.onUpdate`): the call `callId` of the assistant node `nodeId`. */
  z.object({ type: z.literal('chat.toolProgress'), nodeId: z.string(), callId: z.string(), text: z.string() }),
  /** The answer streamed under `pendingId` is stored as `node`. */
  z.object({ type: z.literal('chat.turnEnd'), pendingId: z.string(), node: treeNodeSchema }),
  /** Nothing is generating any more: the turn, with all its tool rounds, is over (or failed, or was stopped). */
  z.object({ type: z.literal('chat.idle') }),
  /**
   * A compaction is being written (before a turn, or `/compact`): which of its summary requests runs (`step` of
   * `steps`, from 1) and how many tokens of that one's summary are written so far.
   */
  z.object({ type: z.literal('chat.compactProgress'), step: count, steps: count, tokens: count }),
  /** A download moved on (at most 4 times a second), finished, failed, paused or was cancelled. */
  z.object({ type: z.literal('hub.download'), download: downloadViewSchema }),
  /** The OpenAI-compatible server started, stopped or failed to start. */
  z.object({ type: z.literal('server.changed'), status: apiServerStatusSchema }),
  /** It answered a request (the live request log). */
  z.object({ type: z.literal('server.request'), entry: apiRequestLogSchema }),
  /** The app settings changed (every UI shows the new ones). */
  z.object({ type: z.literal('settings.changed'), settings: appSettingsSchema, warning: z.string().nullable() }),
  /** Another session is open (new, opened, forked, or the open one deleted): the whole view. */
  z.object({ type: z.literal('session.opened'), session: sessionViewSchema }),
  /** One change of the open session: only what changed. */
  z.object({ type: z.literal('session.changed'), delta: sessionDeltaSchema }),
  z.object({ type: z.literal('sessions.changed'), sessions: z.array(sessionSummarySchema) }),
  z.object({ type: z.literal('extensions.changed'), extensions: z.array(extensionViewSchema) }),
  /** An extension's `notify(text)`. */
  z.object({ type: z.literal('extensions.notice'), extension: z.string(), text: z.string() }),
])

export type ArborEvent = z.infer<typeof arborEventSchema>
export type ArborEventType = ArborEvent['type']
