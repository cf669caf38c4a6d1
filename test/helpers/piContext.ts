import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { convertMessages } from '@mariozechner/pi-ai/openai-completions'
import { convertToLlm, SessionManager } from '@mariozechner/pi-coding-agent'
import { SessionDocument } from '../../src/shared/session/SessionDocument'
import { contextMessages } from '../../src/shared/tree/contextMessages'

/** One message as the model reads it, in a form both sides can be compared in. */
export type SentMessage = { role: 'user' | 'assistant' | 'tool'; text: string; calls?: { id: string; name: string; arguments: unknown }[]; callId?: string }

// The model Pi would talk to over `openai-completions` (a local server without images or reasoning fields).
const model = {
  id: 'local',
  name: 'local',
  api: 'openai-completions' as const,
  provider: 'arbor',
  baseUrl: 'http://127.0.0.1:1234/v1',
  reasoning: false,
  input: ['text' as const],
  cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
  contextWindow: 32768,
  maxTokens: 4096,
}
const compat = {
  supportsStore: false,
  supportsDeveloperRole: false,
  supportsReasoningEffort: false,
  supportsUsageInStreaming: true,
  maxTokensField: 'max_completion_tokens',
  requiresToolResultName: false,
  requiresAssistantAfterToolResult: false,
  requiresThinkingAsText: false,
  requiresReasoningContentOnAssistantMessages: false,
  thinkingFormat: 'openai',
  openRouterRouting: {},
  vercelGatewayRouting: {},
  supportsStrictMode: true,
}

const partsText = (content: unknown): string =>
  typeof content === 'string'
    ? content
    : Array.isArray(content)
      ? content.map((p: { type?: string; text?: string }) => (p.type === 'text' ? (p.text ?? '') : '')).join('\n')
      : ''

/**
 * What the real Pi (0.73.1) sends an OpenAI-compatible server for a session file at its leaf (or at `at`): Pi's own
 * `SessionManager` reads the file (migrating a copy), `buildSessionContext` and `convertToLlm` make the messages,
 * and pi-ai's `convertMessages` makes the request body's `messages`.
 */
export function piSends(file: string, at?: string): SentMessage[] {
  const folder = mkdtempSync(join(os.tmpdir(), 'arbor-pi-'))
  const copy = join(folder, 'session.jsonl')
  copyFileSync(file, copy)
  let messages: ReturnType<typeof convertToLlm>
  try {
    const manager = SessionManager.open(copy, join(folder, 'sessions'))
    if (at !== undefined) manager.branch(at)
    messages = convertToLlm(manager.buildSessionContext().messages)
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
  const body = convertMessages(model as never, { messages }, compat as never) as unknown as Record<string, unknown>[]
  return body.map((m) => {
    const sent: SentMessage = { role: m.role as SentMessage['role'], text: partsText(m.content) }
    const calls = m.tool_calls as { id: string; function: { name: string; arguments: string } }[] | undefined
    if (calls) sent.calls = calls.map((c) => ({ id: c.id, name: c.function.name, arguments: JSON.parse(c.function.arguments) as unknown }))
    if (typeof m.tool_call_id === 'string') sent.callId = m.tool_call_id
    return sent
  })
}

/** What Arbor gives its engine for the same file at its leaf, in the same form. */
export function arborSends(text: string, at?: string): SentMessage[] {
  const { doc } = SessionDocument.parse(text)
  return contextMessages(doc.pathTo(at ?? doc.leafId), { model: { provider: model.provider, api: model.api, id: model.id } }).map((m) => {
    const sent: SentMessage = { role: m.role === 'toolResult' ? 'tool' : m.role, text: m.text }
    if (m.toolCalls?.length) sent.calls = m.toolCalls.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments }))
    if (m.role === 'toolResult') sent.callId = m.toolCallId
    return sent
  })
}
