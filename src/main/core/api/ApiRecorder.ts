import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { ContextMessage, ToolCallRef } from '../../../shared/extensions/ExtensionEvents'
import { piUsageOf } from '../../../shared/session/readTurnStats'
import { SessionDocument } from '../../../shared/session/SessionDocument'
import type { AssistantMessage, NewSessionEntry, SessionEntry } from '../../../shared/session/sessionTypes'
import type { TurnStats } from '../../../shared/types'
import { SessionFile } from '../sessions/SessionFile'

/** One answered request: the history the client sent, and the reply it got. */
export type RecordedRequest = {
  client: string
  systemPrompt: string
  messages: ContextMessage[]
  reply: { text: string; toolCalls: ToolCallRef[] }
  stats: TurnStats
  model: string
}

/** A stable text of a value (keys sorted), so that the same arguments compare equal whatever their order. */
function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable((value as Record<string, unknown>)[k])}`)
      .join(',')}}`
  return JSON.stringify(value) ?? 'null'
}

// The ids too: clients send back the ids they were given, and the tool results that follow answer them by id.
const callsKey = (calls: readonly ToolCallRef[] | undefined) => (calls ?? []).map((c) => `${c.id}:${c.name}${stable(c.arguments)}`).join(';')

/** What makes two messages the same node: role, text and calls (a tool result also by the call it answers). */
function keyOf(m: ContextMessage): string {
  if (m.role === 'toolResult') return `tool|${m.toolCallId}|${m.text}`
  if (m.role === 'assistant') return `assistant|${m.text.trim()}|${callsKey(m.toolCalls)}`
  return `user|${m.text}`
}

/** The same key for a stored entry; null for entries that are no conversation message. */
function keyOfEntry(entry: SessionEntry): string | null {
  if (entry.type !== 'message') return null
  const m = entry.message as { role?: string; content?: unknown; toolCallId?: string }
  const parts = Array.isArray(m.content) ? (m.content as { type: string; text?: string; name?: string; arguments?: unknown; id?: string }[]) : []
  const text = typeof m.content === 'string' ? m.content : parts.filter((p) => p.type === 'text').map((p) => p.text ?? '').join('\n')
  if (m.role === 'toolResult') return `tool|${m.toolCallId}|${text}`
  if (m.role === 'assistant') return `assistant|${text.trim()}|${callsKey(parts.filter((p) => p.type === 'toolCall').map((p) => ({ id: p.id ?? '', name: p.name ?? '', arguments: (p.arguments ?? {}) as Record<string, unknown> })))}`
  if (m.role === 'user') return `user|${text}`
  return null
}

function toEntry(m: ContextMessage): NewSessionEntry {
  const timestamp = Date.now()
  if (m.role === 'user') return { type: 'message', message: { role: 'user', content: m.text, timestamp } }
  if (m.role === 'toolResult')
    return { type: 'message', message: { role: 'toolResult', toolCallId: m.toolCallId ?? '', toolName: m.toolName ?? 'tool', content: [{ type: 'text', text: m.text }], isError: m.isError ?? false, timestamp } }
  const content: AssistantMessage['content'] = [...(m.text || !m.toolCalls?.length ? [{ type: 'text' as const, text: m.text }] : []), ...(m.toolCalls ?? []).map((c) => ({ type: 'toolCall' as const, ...c }))]
  return { type: 'message', message: { role: 'assistant', content, api: 'openai-completions', provider: 'api-client', model: 'unknown', usage: piUsageOf({ promptTokens: 0, reusedTokens: 0, evaluatedTokens: 0, contextSize: 0, generatedTokens: 0, timeToFirstTokenMs: 0, tokensPerSecond: 0, totalMs: 0, stopReason: 'eos', threads: 0 }), stopReason: m.toolCalls?.length ? 'toolUse' : 'stop', timestamp } }
}

/** The entry a conversation hangs under: the system prompt it was sent with (two prompts, two trees). */
const SYSTEM_ROOT = 'arbor.apiSystem'
const rootPrompt = (entry: SessionEntry): string | null =>
  entry.type === 'custom' && entry.customType === SYSTEM_ROOT ? String((entry.data as { prompt?: unknown } | undefined)?.prompt ?? '') : null

/** Client files kept open at once; the least recently used is let go (it is read again when its client returns). */
const OPEN_FILES = 16

/** A client's name as part of a file name. */
const slug = (client: string) => client.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '').slice(0, 60) || 'client'

/**
 * API traffic as conversation trees: each client's requests go into its own session file (`api-<client>.jsonl` in
 * the sessions folder, never the session open in the window). A request's history is walked from the root: a
 * message that matches a child is that node, the first that does not starts a branch, and the reply becomes a
 * node with its numbers (an `arbor.turn` entry: prompt, reused and evaluated tokens). An agent's `/tree` jump
 * back is thus a branch in Arbor's graph. Requests of one client are recorded in order.
 */
export class ApiRecorder {
  private readonly files = new Map<string, Promise<SessionFile>>()
  private queue: Promise<void> = Promise.resolve()

  constructor(
    private readonly folder: string,
    /** Told the path after each recorded request (the sessions list changes). */
    private readonly onRecorded: (path: string) => void = () => undefined,
  ) {}

  /**
   * Records one request; never throws (a failure is logged: the client had its answer already, and the file is let
   * go, so that the next request reads it again or, deleted, starts a new one).
   */
  record(request: RecordedRequest): Promise<void> {
    this.queue = this.queue
      .then(() => this.write(request))
      .catch((error: unknown) => {
        this.files.delete(this.pathOf(request.client))
        console.warn(`Arbor: an API request could not be recorded: ${(error as Error)?.message ?? String(error)}`)
      })
    return this.queue
  }

  /** Resolves once every request handed to `record` so far is on disk. */
  flush(): Promise<void> {
    return this.queue
  }

  /** The file a client's requests go to. */
  pathOf(client: string): string {
    return join(this.folder, `api-${slug(client)}.jsonl`)
  }

  private file(client: string): Promise<SessionFile> {
    const path = this.pathOf(client)
    let file = this.files.get(path)
    // Most recently used last.
    if (file) this.files.delete(path)
    else {
      file = (async () => {
        await mkdir(this.folder, { recursive: true })
        const opened = await SessionFile.open(path).catch(() => null)
        if (opened) return opened.file
        const doc = SessionDocument.create({ cwd: '' })
        doc.append({ type: 'session_info', name: `API: ${client}` }, null)
        return SessionFile.create(path, doc)
      })()
      file.catch(() => this.files.delete(path))
    }
    this.files.set(path, file)
    if (this.files.size > OPEN_FILES) this.files.delete(this.files.keys().next().value!)
    return file
  }

  private async write(request: RecordedRequest): Promise<void> {
    const file = await this.file(request.client)
    await file.sync()
    const { doc } = file
    const add = async (entry: NewSessionEntry, parent: string | null) => {
      const { entry: added, line } = doc.append(entry, parent)
      await file.append(line)
      return added.id
    }
    // The conversation's root: its system prompt (a new one starts a new tree, and becomes the session's prompt shown).
    let parent: string | null = doc.children(null).findLast((e) => rootPrompt(e) === request.systemPrompt)?.id ?? null
    if (parent === null) {
      if ((doc.arborState().get('arbor.system') as { prompt?: unknown } | undefined)?.prompt !== request.systemPrompt)
        await add({ type: 'custom', customType: 'arbor.system', data: { prompt: request.systemPrompt } }, null)
      parent = await add({ type: 'custom', customType: SYSTEM_ROOT, data: { prompt: request.systemPrompt } }, null)
    }
    for (const m of request.messages) {
      const key = keyOf(m)
      // The newest of equal siblings (the same question asked again got its own answer).
      const found: SessionEntry | undefined = doc.children(parent).findLast((e) => keyOfEntry(e) === key)
      parent = found ? found.id : await add(toEntry(m), parent)
    }
    const replyEntry = toEntry({ role: 'assistant', text: request.reply.text, toolCalls: request.reply.toolCalls })
    if (replyEntry.type === 'message' && replyEntry.message.role === 'assistant') {
      Object.assign(replyEntry.message, { provider: 'llama.cpp', api: 'arbor', model: request.model, usage: piUsageOf(request.stats) })
      if (request.stats.stopReason === 'maxTokens') replyEntry.message.stopReason = 'length'
    }
    const replyId = await add(replyEntry, parent)
    await add({ type: 'custom', customType: 'arbor.turn', data: { targetId: replyId, stats: request.stats } }, replyId)
    this.onRecorded(file.path)
  }
}
