import { z } from 'zod'
import type { Result } from './errors'
import type { ExtensionInfo } from './extensions/ExtensionInfo'

/** An extension as the manager shows it: its info and what its tools cost in every prompt. */
export type ExtensionView = ExtensionInfo & {
  /** Tokens its tool definitions add to every prompt with the loaded model; null without a model. */
  toolTokens: number | null
}
import type { SessionPosition, SessionSummary, SessionView, TreeNode } from './treeView'
import type {
  AppSnapshot,
  FitReport,
  Hardware,
  LoadedModel,
  LoadState,
  MemorySample,
  ModelEntry,
  ModelFacts,
  LoadPhase,
} from './types'
import { kvCacheTypes } from './types'
import { isRequestName, requestNames, type RequestName } from './requestNames'

/**
 * The one contract between the core and any UI. Electron IPC and the headless WebSocket
 * carry exactly these requests and events; nothing else crosses.
 */

const path = z.string().min(1).max(4096)
const nodeId = z.string().min(1).max(64)
const fitSettings = z.object({
  contextSize: z.number().int().min(16).max(1 << 22),
  sequences: z.number().int().min(1).max(64),
  gpuLayers: z.number().int().min(0).max(100_000),
  kvCacheType: z.enum(kvCacheTypes),
})

/** Argument schemas, checked at the boundary before the core sees anything. */
export const requestSchemas = {
  'app.snapshot': z.undefined(),
  'hardware.get': z.undefined(),
  'models.list': z.undefined(),
  'models.createDemo': z.undefined(),
  'model.inspect': z.object({ path }),
  'model.estimate': z.object({ path, settings: fitSettings.partial().optional() }),
  'model.load': z.object({
    path,
    settings: fitSettings.extend({ threads: z.number().int().min(1).max(512) }),
    override: z.boolean().optional(),
  }),
  'model.cancelLoad': z.undefined(),
  'model.unload': z.undefined(),
  'chat.send': z.object({
    text: z.string().min(1).max(1_000_000),
    parentId: z.string().max(64).nullable().optional(),
    /** Longest reply in tokens. Defaults to the room left in the context. */
    maxTokens: z.number().int().min(1).max(1 << 20).optional(),
  }),
  /** Runs an extension's `/command args` without the model; its output becomes a node. */
  'chat.command': z.object({ text: z.string().min(2).max(100_000).startsWith('/'), parentId: nodeId.nullable().optional() }),
  /** A new sibling of an assistant message: the same path, answered again. */
  'chat.regenerate': z.object({ nodeId, maxTokens: z.number().int().min(1).max(1 << 20).optional() }),
  'chat.stop': z.undefined(),
  'chat.setSystemPrompt': z.object({ text: z.string().max(100_000) }),
  'session.list': z.undefined(),
  'session.new': z.undefined(),
  /** Opens a Pi/Arbor `.jsonl` session file where it is. */
  'session.open': z.object({ path }),
  'session.rename': z.object({ name: z.string().min(1).max(200) }),
  'session.delete': z.object({ path }),
  /** Moves the current position; null is the root (the next message starts a new tree). */
  'tree.select': z.object({ nodeId: nodeId.nullable() }),
  /** Sets a node's label; null clears it. */
  'tree.label': z.object({ nodeId, label: z.string().max(200).nullable() }),
  'tree.favourite': z.object({ leafId: nodeId.nullable() }),
  'tree.collapse': z.object({ nodeId, collapsed: z.boolean() }),
  /** Deletes a node and its subtree; `tree.undo` brings it back until the session is closed. */
  'tree.prune': z.object({ nodeId }),
  'tree.undo': z.undefined(),
  /** Copies the root→node path into a new session whose header names this one. */
  'tree.fork': z.object({ nodeId }),
  /** Summarises the path from the common ancestor to `fromLeafId` (the branch being left) with the loaded model. */
  'tree.summarizeBranch': z.object({ fromLeafId: nodeId, toNodeId: nodeId.nullable() }),
  'extensions.list': z.undefined(),
  'extensions.setEnabled': z.object({ name: z.string().min(1).max(200), enabled: z.boolean() }),
  'extensions.reload': z.object({ name: z.string().min(1).max(200) }),
  /** Installs a dropped or chosen extension (a folder or a .ts/.js file) into the user folder. */
  'extensions.install': z.object({ path }),
  'extensions.uninstall': z.object({ name: z.string().min(1).max(200) }),
  /** Replaces the user's settings of an extension (empty values fall back to the defaults) and restarts it. */
  'extensions.setSettings': z.object({
    name: z.string().min(1).max(200),
    settings: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/).max(100), z.string().max(4096)),
  }),
  /**
   * Allows an extension's permissions and enables it. `permissions` is its `consent.requested` as shown: when it
   * asks for something else by now, nothing is allowed (`EXTENSION_PERMISSIONS_CHANGED`).
   */
  'extensions.allow': z.object({ name: z.string().min(1).max(200), permissions: z.array(z.string().min(1).max(4096)).max(64) }),
  /** Trusts a working folder (its `.arbor/extensions` may run) or stops trusting it; kept across restarts. */
  'extensions.trustWorkspace': z.object({ folder: path, trusted: z.boolean() }),
} as const satisfies Record<RequestName, z.ZodType>

export { isRequestName, requestNames, type RequestName }

export type RequestArgs = { [K in RequestName]: z.infer<(typeof requestSchemas)[K]> }

export type RequestResults = {
  'app.snapshot': AppSnapshot
  'hardware.get': Hardware
  'models.list': ModelEntry[]
  'models.createDemo': ModelEntry
  'model.inspect': ModelFacts
  'model.estimate': FitReport
  'model.load': LoadedModel
  'model.cancelLoad': { cancelled: boolean }
  'model.unload': { unloaded: boolean }
  'chat.send': { user: TreeNode; assistant: TreeNode }
  'chat.regenerate': { assistant: TreeNode }
  'chat.command': { node: TreeNode; sentToModel: boolean }
  'extensions.list': ExtensionView[]
  'extensions.setEnabled': ExtensionView[]
  'extensions.reload': ExtensionView[]
  'extensions.install': ExtensionView[]
  'extensions.uninstall': ExtensionView[]
  'extensions.setSettings': ExtensionView[]
  'extensions.allow': ExtensionView[]
  'extensions.trustWorkspace': ExtensionView[]
  'chat.stop': { stopped: boolean }
  'chat.setSystemPrompt': SessionView
  'session.list': SessionSummary[]
  'session.new': SessionView
  'session.open': SessionView
  'session.rename': SessionView
  'session.delete': SessionSummary[]
  'tree.select': SessionPosition
  'tree.label': SessionView
  'tree.favourite': SessionView
  'tree.collapse': SessionView
  'tree.prune': SessionView
  'tree.undo': SessionView
  'tree.fork': SessionView
  'tree.summarizeBranch': { summary: TreeNode }
}

export type ArborEvent =
  | { type: 'model.loadProgress'; path: string; phase: LoadPhase; bytesRead: number; bytesTotal: number }
  | { type: 'model.loadState'; state: LoadState }
  | { type: 'models.changed'; models: ModelEntry[] }
  | { type: 'memory.sample'; sample: MemorySample }
  | { type: 'chat.turnStart'; user: TreeNode | null; assistant: TreeNode }
  | { type: 'chat.token'; nodeId: string; text: string }
  | { type: 'chat.turnEnd'; node: TreeNode }
  /** Nothing is generating any more: the turn, with all its tool rounds, is over (or failed, or was stopped). */
  | { type: 'chat.idle' }
  | { type: 'session.changed'; session: SessionView }
  /** A move: only the position changed (a whole view of a big tree is megabytes). */
  | { type: 'session.position'; position: SessionPosition }
  | { type: 'sessions.changed'; sessions: SessionSummary[] }
  | { type: 'extensions.changed'; extensions: ExtensionView[] }
  /** An extension's `notify(text)`. */
  | { type: 'extensions.notice'; extension: string; text: string }

/** The one function both transports expose to the renderer. */
export type ArborRequest = <K extends RequestName>(name: K, arg: RequestArgs[K]) => Promise<Result<RequestResults[K]>>

/** Validates an incoming request; returns a readable reason when it is malformed. */
export function parseRequest(
  name: unknown,
  arg: unknown,
): { ok: true; name: RequestName; arg: unknown } | { ok: false; code: 'UNKNOWN_REQUEST' | 'BAD_REQUEST'; message: string } {
  if (!isRequestName(name)) return { ok: false, code: 'UNKNOWN_REQUEST', message: `Unknown request "${String(name).slice(0, 80)}".` }
  const parsed = requestSchemas[name].safeParse(arg)
  if (!parsed.success) {
    const first = parsed.error.issues[0]
    const where = first?.path.length ? ` at "${first.path.join('.')}"` : ''
    return { ok: false, code: 'BAD_REQUEST', message: `Malformed "${name}" request${where}: ${first?.message ?? 'invalid'}.` }
  }
  return { ok: true, name, arg: parsed.data }
}

/** Wire format of the headless WebSocket. */
export type WireClientMessage = { id: number; name: RequestName; arg: unknown }
export type WireServerMessage =
  | { kind: 'response'; id: number; result: Result<unknown> }
  | { kind: 'event'; event: ArborEvent }
