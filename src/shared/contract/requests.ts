import { OVERFLOW_POLICIES } from '../contextBudget'
import { z } from 'zod'
import { REMOTE_SERVER_KINDS, type AppSnapshot, type RemoteEngineView } from '../types'
import { kvCacheTypes } from '../types'
import { extensionViewSchema } from './extensionSchemas'
import {
  fitReportSchema,
  hardwareSchema,
  loadedModelSchema,
  loadStateSchema,
  modelDescriptionSchema,
  modelEntrySchema,
  modelFactsSchema,
} from './modelSchemas'
import { sessionDeltaSchema, sessionPositionSchema, sessionSummarySchema, sessionViewSchema, treeNodeSchema } from './sessionSchemas'
import { MAX_CONTEXT_SIZE } from '../fit'
import { appSettingsFields, appSettingsSchema, engineBaseUrl } from './settingsSchemas'
import { apiRequestLogSchema, apiServerStatusSchema, apiStartSchema } from './apiSchemas'
import { downloadViewSchema, hubFileSchema, hubRepoSchema } from './hubSchemas'

/**
 * Every request the core answers, declared once: its argument schema (checked at the boundary before the core sees
 * anything) and its result schema (checked by clients that do not trust the wire). Names, argument types and
 * result types are derived from this table.
 */

const path = z.string().min(1).max(4096)
const nodeId = z.string().min(1).max(64)
const extensionName = z.string().min(1).max(200)
const maxTokens = z.number().int().min(1).max(1 << 20)

/** Sampling as the UI sets it (see `SamplingSettings`); each field optional, each bounded. */
const samplingSchema = z
  .object({
    temperature: z.number().min(0).max(5),
    topP: z.number().min(0).max(1),
    topK: z.number().int().min(0).max(100_000),
    minP: z.number().min(0).max(1),
    repeatPenalty: z.number().min(1).max(3),
    repeatLastTokens: z.number().int().min(0).max(1 << 16),
    seed: z.number().int().min(0).max(2 ** 32 - 1).nullable(),
    maxTokens: maxTokens.nullable(),
    stop: z.array(z.string().min(1).max(64)).max(8),
  })
  .partial()
const fitSettings = z.object({
  contextSize: z.number().int().min(16).max(MAX_CONTEXT_SIZE),
  sequences: z.number().int().min(1).max(64),
  gpuLayers: z.number().int().min(0).max(100_000),
  kvCacheType: z.enum(kvCacheTypes),
})
const none = z.undefined()
const extensionViews = z.array(extensionViewSchema)

const remoteEngineViewSchema: z.ZodType<RemoteEngineView> = z.object({
  baseUrl: z.string(),
  model: z.string().nullable(),
  inUse: z.boolean(),
  keySaved: z.boolean(),
  exactTokenCounts: z.boolean(),
  kind: z.enum(REMOTE_SERVER_KINDS).nullable(),
  contextSize: z.number().nullable(),
  slots: z.number().nullable(),
})

export const appSnapshotSchema: z.ZodType<AppSnapshot> = z.object({
  version: z.string(),
  hardware: hardwareSchema,
  modelsFolder: z.string(),
  models: z.array(modelEntrySchema),
  load: loadStateSchema,
  session: sessionViewSchema,
  sessions: z.array(sessionSummarySchema),
  sessionsFolder: z.string(),
  generating: z.boolean(),
  streaming: z.object({ node: treeNodeSchema, text: z.string(), reasoning: z.string().optional(), prompt: z.object({ evaluated: z.number(), total: z.number() }).optional() }).optional(),
  transport: z.enum(['electron', 'headless']),
  extensionsWarning: z.string().nullable(),
  settings: appSettingsSchema,
  settingsWarning: z.string().nullable(),
  server: z.object({ status: apiServerStatusSchema, log: z.array(apiRequestLogSchema) }),
  remote: remoteEngineViewSchema.nullable(),
})

const request = <A extends z.ZodType, R extends z.ZodType>(arg: A, result: R) => ({ arg, result })

export const requests = {
  'app.snapshot': request(none, appSnapshotSchema),
  'hardware.get': request(none, hardwareSchema),
  'models.list': request(none, z.array(modelEntrySchema)),
  'models.createDemo': request(none, modelEntrySchema),
  /** Deletes a file of the models folder (never the loaded model, nothing outside the folder); says what it freed. */
  'models.delete': request(z.object({ path }), z.object({ freedBytes: z.number() })),
  /** Renames a file of the models folder (never the loaded model, never over another file); what it remembers follows. */
  'models.rename': request(z.object({ path, name: z.string().min(1).max(300) }), modelEntrySchema),
  /** What the library shows of one file: from its header, and the fit verdict at its last settings (else the recommended ones). */
  'models.describe': request(z.object({ path }), modelDescriptionSchema),
  /** Shows the file in the system's file manager where there is one (the desktop app); says whether it could. */
  'models.reveal': request(z.object({ path }), z.object({ revealed: z.boolean(), path: z.string() })),
  'model.inspect': request(z.object({ path }), modelFactsSchema),
  'model.estimate': request(z.object({ path, settings: fitSettings.partial().optional() }), fitReportSchema),
  'model.load': request(
    z.object({ path, settings: fitSettings.extend({ threads: z.number().int().min(1).max(512) }), override: z.boolean().optional() }),
    loadedModelSchema,
  ),
  /**
   * Uses a model served elsewhere (an OpenAI-compatible server) as the engine: unloads the local model, connects,
   * and keeps the server (and, unless `apiKey` is null, its key, sealed) for next time. Without `apiKey` the key
   * saved for that server is sent; null sends none and forgets it.
   */
  'model.connect': request(
    z.object({ baseUrl: engineBaseUrl, apiKey: z.string().min(1).max(400).regex(/^[\x21-\x7e]+$/, 'printable characters, no spaces').nullable().optional(), model: z.string().min(1).max(300).optional() }),
    z.object({ model: loadedModelSchema, remote: remoteEngineViewSchema }),
  ),
  'model.cancelLoad': request(none, z.object({ cancelled: z.boolean() })),
  /** Stops every generation (each stored as stopped), then frees the model. */
  'model.unload': request(none, z.object({ unloaded: z.boolean() })),
  'chat.send': request(
    z.object({
      text: z.string().min(1).max(1_000_000),
      parentId: z.string().max(64).nullable().optional(),
      /** Longest reply in tokens. Defaults to the room left in the context. */
      maxTokens: maxTokens.optional(),
      /** How tokens are chosen. Defaults to greedy (temperature 0) with a random seed; the UI sends its settings. */
      sampling: samplingSchema.optional(),
    }),
    z.object({ user: treeNodeSchema, assistant: treeNodeSchema }),
  ),
  /**
   * What sending `text` at the current position would take: the prompt's tokens with the session's system prompt and
   * tools, the most a prompt may take, where compaction starts, and the context. Null without a model.
   */
  'chat.countDraft': request(
    z.object({ text: z.string().max(1_000_000) }),
    z.object({ promptTokens: z.number().int().min(0), maxPromptTokens: z.number().int().min(0), compactAt: z.number().int().min(0), contextSize: z.number().int().min(0) }).nullable(),
  ),
  /** Runs an extension's `/command args` without the model; its output becomes a node. */
  'chat.command': request(
    z.object({ text: z.string().min(2).max(100_000).startsWith('/'), parentId: nodeId.nullable().optional() }),
    z.object({ node: treeNodeSchema, sentToModel: z.boolean() }),
  ),
  /** A new sibling of an assistant message: the same path, answered again. */
  'chat.regenerate': request(z.object({ nodeId, maxTokens: maxTokens.optional(), sampling: samplingSchema.optional() }), z.object({ assistant: treeNodeSchema })),
  /** Stops the answer being written and resolves once it is stored as stopped. */
  'chat.stop': request(none, z.object({ stopped: z.boolean() })),
  'chat.setSystemPrompt': request(z.object({ text: z.string().max(100_000) }), sessionDeltaSchema),
  'session.list': request(none, z.array(sessionSummarySchema)),
  /** A new session working in `cwd` (a folder that exists), or else in the last project folder used. */
  'session.new': request(z.object({ cwd: z.string().min(1).max(4096).optional() }).optional(), sessionViewSchema),
  /** Moves the open session to another working folder: the header's `cwd`, where Pi runs its tools. */
  'session.setCwd': request(z.object({ cwd: z.string().min(1).max(4096) }), sessionDeltaSchema),
  /** Opens a Pi/Arbor `.jsonl` session file where it is. */
  'session.open': request(z.object({ path }), sessionViewSchema),
  'session.rename': request(z.object({ name: z.string().max(200) }), sessionDeltaSchema),
  /** Offers the extensions' tools to the model in this session, or stops (they cost tokens in every prompt). */
  'session.setTools': request(z.object({ enabled: z.boolean() }), sessionDeltaSchema),
  /** What a turn that would not fit does in this session; null follows the app's default (`settings.overflowPolicy`). */
  'session.setOverflow': request(z.object({ policy: z.enum(OVERFLOW_POLICIES).nullable() }), sessionDeltaSchema),
  'session.delete': request(z.object({ path }), z.array(sessionSummarySchema)),
  /** Moves the current position; null is the root (the next message starts a new tree). */
  'tree.select': request(z.object({ nodeId: nodeId.nullable() }), sessionPositionSchema),
  /** Sets a node's label; null clears it. */
  'tree.label': request(z.object({ nodeId, label: z.string().max(200).nullable() }), sessionDeltaSchema),
  'tree.favourite': request(z.object({ leafId: nodeId.nullable() }), sessionDeltaSchema),
  'tree.collapse': request(z.object({ nodeId, collapsed: z.boolean() }), sessionDeltaSchema),
  /** Deletes a node and its subtree; `tree.undo` brings it back until the session is closed. */
  'tree.prune': request(z.object({ nodeId }), sessionDeltaSchema),
  'tree.undo': request(none, sessionDeltaSchema),
  /** Forgets every prune that could still be undone, and the pruned lines kept beside the session's file. */
  'tree.emptyUndo': request(none, sessionDeltaSchema),
  /** Copies the root→node path into a new session whose header names this one. */
  'tree.fork': request(z.object({ nodeId }), sessionViewSchema),
  /** Summarises the path from the common ancestor to `fromLeafId` (the branch being left) with the loaded model. */
  'tree.summarizeBranch': request(z.object({ fromLeafId: nodeId, toNodeId: nodeId.nullable() }), z.object({ summary: treeNodeSchema })),
  /** The app settings (kept in `settings.json` in Arbor's home). */
  'settings.get': request(none, appSettingsSchema),
  /** Changes some app settings; answers with all of them once saved. */
  'settings.set': request(z.object(appSettingsFields).partial().strict(), appSettingsSchema),
  /** The OpenAI-compatible server: where it listens, whether it needs a key, its last error. */
  /** Hugging Face repositories with GGUF files matching `query`. */
  'hub.search': request(z.object({ query: z.string().max(200), sort: z.enum(['downloads', 'lastModified', 'likes']).optional() }), z.array(hubRepoSchema)),
  /** A repository's GGUF models (split parts combined), each with the URL its header is read from. */
  'hub.files': request(z.object({ repo: z.string().min(3).max(200) }), z.array(hubFileSchema)),
  /** Starts (or resumes) a download into the models folder; its progress comes as `hub.download` events. */
  'hub.download': request(z.object({ ref: z.string().min(1).max(4096) }), downloadViewSchema),
  /** Stops a download: `pause` keeps the partial file for a resume, else it is removed. */
  'hub.stopDownload': request(z.object({ id: z.string().min(1).max(64), pause: z.boolean().optional() }), downloadViewSchema),
  'hub.downloads': request(none, z.array(downloadViewSchema)),
  'server.status': request(none, apiServerStatusSchema),
  /** Starts it (port, key and host as given, else as remembered) and remembers it runs. */
  'server.start': request(apiStartSchema.optional(), apiServerStatusSchema),
  /** Stops it (open requests end) and remembers it does not run. */
  'server.stop': request(none, apiServerStatusSchema),
  'extensions.list': request(none, extensionViews),
  'extensions.setEnabled': request(z.object({ name: extensionName, enabled: z.boolean() }), extensionViews),
  'extensions.reload': request(z.object({ name: extensionName }), extensionViews),
  /** Installs a dropped or chosen extension (a folder or a .ts/.js file) into the user folder. */
  'extensions.install': request(z.object({ path }), extensionViews),
  'extensions.uninstall': request(z.object({ name: extensionName }), extensionViews),
  /**
   * Allows an extension's permissions and enables it. `permissions` is its `consent.requested` as shown: when it
   * asks for something else by now, nothing is allowed (`EXTENSION_PERMISSIONS_CHANGED`).
   */
  'extensions.allow': request(z.object({ name: extensionName, permissions: z.array(z.string().min(1).max(4096)).max(64) }), extensionViews),
  /** Trusts a working folder (its `.arbor/extensions` may run) or stops trusting it; kept across restarts. */
  'extensions.trustWorkspace': request(z.object({ folder: path, trusted: z.boolean() }), extensionViews),
  /** Replaces the user's settings of an extension (empty values fall back to the defaults) and restarts it. */
  'extensions.setSettings': request(
    z.object({ name: extensionName, settings: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/).max(100), z.string().max(4096)) }),
    extensionViews,
  ),
} as const

export type RequestName = keyof typeof requests
export type RequestArgs = { [K in RequestName]: z.infer<(typeof requests)[K]['arg']> }
export type RequestResults = { [K in RequestName]: z.infer<(typeof requests)[K]['result']> }

export const requestNames = Object.keys(requests) as RequestName[]

export const isRequestName = (name: unknown): name is RequestName => typeof name === 'string' && Object.hasOwn(requests, name)
