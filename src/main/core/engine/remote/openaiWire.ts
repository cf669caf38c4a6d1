import type { GenerateRequest, Sampling } from '../../../../shared/engine/engineTypes'
import { ArborFailure } from '../../../../shared/errors'

/**
 * What goes over the wire to an OpenAI-compatible server (llama-server, vLLM, Ollama, LM Studio, another Arbor), and
 * how its answers are read: chat messages from Arbor's context, sampling fields, the SSE stream of a completion.
 */

type WireMessage =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string | null; tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[] }
  | { role: 'tool'; tool_call_id: string; content: string }

/** The chat request's messages: the system prompt, then the conversation with its tool calls and results. */
export function wireMessages(request: GenerateRequest): WireMessage[] {
  const messages: WireMessage[] = request.systemPrompt ? [{ role: 'system', content: request.systemPrompt }] : []
  for (const m of request.messages) {
    if (m.role === 'user') messages.push({ role: 'user', content: m.text })
    else if (m.role === 'toolResult') messages.push({ role: 'tool', tool_call_id: m.toolCallId ?? '', content: m.text })
    else if (m.toolCalls?.length)
      messages.push({
        role: 'assistant',
        content: m.text || null,
        tool_calls: m.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: JSON.stringify(c.arguments ?? {}) } })),
      })
    else messages.push({ role: 'assistant', content: m.text })
  }
  return messages
}

/** Sampling as the request's fields (the common ones; `top_k`, `min_p`, `repeat_penalty` are llama-server's and vLLM's). */
export function wireSampling(s: Sampling = {}): Record<string, unknown> {
  const fields: Record<string, unknown> = {}
  // The port's default is greedy; a server's own default (0.8, 1.0) is not asked for.
  fields.temperature = s.temperature ?? 0
  if (s.topP !== undefined) fields.top_p = s.topP
  if (s.topK !== undefined) fields.top_k = s.topK
  if (s.minP !== undefined) fields.min_p = s.minP
  if (s.seed !== undefined) fields.seed = s.seed
  if (s.maxTokens !== undefined) fields.max_tokens = s.maxTokens
  if (s.stop?.length) fields.stop = s.stop
  if (s.repeatPenalty) {
    fields.repeat_penalty = s.repeatPenalty.penalty
    if (s.repeatPenalty.presencePenalty !== undefined) fields.presence_penalty = s.repeatPenalty.presencePenalty
    if (s.repeatPenalty.frequencyPenalty !== undefined) fields.frequency_penalty = s.repeatPenalty.frequencyPenalty
  }
  return fields
}

/** One chunk of a streamed chat completion, as far as Arbor reads it. */
export type WireChunk = {
  choices?: {
    delta?: { content?: string | null; reasoning_content?: string | null; tool_calls?: { index?: number; id?: string; function?: { name?: string; arguments?: string } }[] }
    text?: string
    finish_reason?: string | null
  }[]
  usage?: { prompt_tokens?: number; completion_tokens?: number; prompt_tokens_details?: { cached_tokens?: number } }
  timings?: { prompt_n?: number; cache_n?: number }
  error?: { message?: string }
}

/**
 * The `data:` payloads of a server-sent event stream, parsed; `[DONE]` ends it, and so does `signal` (nothing
 * buffered is given after it). A stream that sends nothing for `idleMs` fails with `ENGINE_UNREACHABLE`.
 */
export async function* readSse(body: ReadableStream<Uint8Array>, signal: AbortSignal | undefined, idleMs: number): AsyncGenerator<WireChunk> {
  const decoder = new TextDecoder()
  let buffer = ''
  const reader = body.getReader()
  const cancel = () => void reader.cancel().catch(() => undefined)
  signal?.addEventListener('abort', cancel, { once: true })
  let finished = false
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined
      const idle = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ArborFailure('ENGINE_UNREACHABLE', `The server sent nothing for ${Math.round(idleMs / 1000)} s in the middle of the answer.`)), idleMs)
      })
      const { value, done } = await Promise.race([reader.read(), idle]).finally(() => clearTimeout(timer))
      if (done) {
        finished = true
        break
      }
      buffer += decoder.decode(value, { stream: true })
      let end: number
      while (!signal?.aborted && (end = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '')
        const data = block
          .split(/\r?\n/)
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trimStart())
          .join('\n')
        if (!data) continue
        if (data === '[DONE]') {
          finished = true
          return
        }
        try {
          yield JSON.parse(data) as WireChunk
        } catch {
          throw new ArborFailure('GENERATION_FAILED', `The server sent a stream event that is not JSON: ${data.slice(0, 200)}`)
        }
      }
      if (signal?.aborted) return
    }
  } finally {
    signal?.removeEventListener('abort', cancel)
    // Left early (a stop, a failure, a reader that gave up): the server is told, not left writing.
    if (!finished) await reader.cancel().catch(() => undefined)
    reader.releaseLock()
  }
}

/** An HTTP error of the server as a coded failure: a wrong key, an unknown model, a server-side error. */
export async function failureOf(response: Response, baseUrl: string): Promise<ArborFailure> {
  const text = await response.text().catch(() => '')
  let message = text.slice(0, 300)
  try {
    const body = JSON.parse(text) as { error?: { message?: string } | string }
    message = typeof body.error === 'string' ? body.error : (body.error?.message ?? message)
  } catch {
    // Not JSON: the text itself says it.
  }
  message = message.trim().replace(/\.+$/, '')
  if (response.status === 401 || response.status === 403)
    return new ArborFailure('ENGINE_UNAUTHORIZED', `${baseUrl} refused the API key (${response.status}): ${message || 'unauthorized'}. Check the key.`)
  if (response.status === 404) return new ArborFailure('MODEL_NOT_FOUND', `${baseUrl} has no such model or route (404): ${message}`)
  return new ArborFailure('GENERATION_FAILED', `${baseUrl} answered ${response.status}: ${message}`)
}
