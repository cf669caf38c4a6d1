import { randomBytes } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import type { EngineEnd } from '../../../shared/engine/engineTypes'
import type { ToolCallRef } from '../../../shared/extensions/ExtensionEvents'
import type { TurnStats } from '../../../shared/types'
import type { TurnRunner } from '../turns/TurnRunner'
import { ApiError, endStreamWithError, stoppedByArbor, toApiError } from './apiErrors'
import type { ChatTurn } from './chatRequest'

/** What one request cost and how it went, for the request log. */
export type CompletionOutcome = {
  status: number
  promptTokens: number
  cachedTokens: number
  completionTokens: number
  timeToFirstTokenMs: number | null
  /** The assistant's reply and its numbers, for the recorder; null when there was none. */
  reply: { text: string; toolCalls: ToolCallRef[]; stats: TurnStats } | null
}

const FINISH: Record<EngineEnd['reason'], string> = { eos: 'stop', maxTokens: 'length', toolUse: 'tool_calls', stopped: 'stop', error: 'stop' }

export const usageOf = (end: EngineEnd) => ({
  prompt_tokens: end.stats.promptTokens,
  completion_tokens: end.stats.generatedTokens,
  total_tokens: end.stats.promptTokens + end.stats.generatedTokens,
  // Honest: the prompt tokens the KV cache already held, which were not evaluated again.
  prompt_tokens_details: { cached_tokens: end.stats.reusedTokens },
})

/** What a request that ended in `status` without an answer cost. */
export const failedOutcome = (status: number, timeToFirstTokenMs: number | null = null): CompletionOutcome => ({ status, promptTokens: 0, cachedTokens: 0, completionTokens: 0, timeToFirstTokenMs, reply: null })

const openaiCalls = (calls: readonly ToolCallRef[]) => calls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: JSON.stringify(c.arguments) } }))

/**
 * Answers one chat completion through the turn runner (one round: the client runs its own tools), at background
 * priority (a person at Arbor's window goes first). Streams Server-Sent Events when asked, in OpenAI's chunks;
 * otherwise one JSON answer. `signal` is the client's connection: closing it stops the generation.
 */
export async function answerChatCompletion(runner: TurnRunner, turn: ChatTurn, model: string, res: ServerResponse, signal: AbortSignal): Promise<CompletionOutcome> {
  const id = `chatcmpl-${randomBytes(12).toString('hex')}`
  const created = Math.floor(Date.now() / 1000)
  const chunk = (delta: object, finish: string | null = null) => ({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })
  const send = (data: object) => {
    if (!res.destroyed && !res.writableEnded) res.write(`data: ${JSON.stringify(data)}\n\n`)
  }
  let started = false
  const begin = () => {
    if (started) return
    started = true
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' })
    send(chunk({ role: 'assistant', content: '' }))
  }
  const events = runner.run(
    {
      systemPrompt: turn.systemPrompt,
      messages: turn.messages,
      clientTools: turn.tools,
      hooks: false,
      sampling: turn.sampling,
      ...(turn.responseFormat ? { responseFormat: turn.responseFormat } : {}),
      priority: 'background',
      maxToolRounds: 1,
      callContext: () => {
        throw new ApiError(500, 'An API request runs no extension.', 'server_error')
      },
    },
    signal,
  )
  let firstTokenAt: number | null = null
  const since = performance.now()
  try {
    for await (const event of events) {
      if (event.type === 'text' && turn.stream) {
        firstTokenAt ??= performance.now() - since
        begin()
        send(chunk({ content: event.text }))
      } else if (event.type === 'reasoning' && turn.stream) {
        firstTokenAt ??= performance.now() - since
        begin()
        send(chunk({ reasoning_content: event.text }))
      } else if (event.type === 'reply') {
        const { end, toolCalls } = event
        if (end.reason === 'error') throw new ApiError(500, end.error?.message ?? 'The model failed while answering.', 'server_error', null, 'generation_failed')
        // Stopped, and not by this client: the model is being replaced or unloaded. Not an answer.
        if (end.reason === 'stopped' && !signal.aborted) throw stoppedByArbor()
        const finish = toolCalls.length ? 'tool_calls' : FINISH[end.reason]
        const outcome: CompletionOutcome = {
          status: 200,
          promptTokens: end.stats.promptTokens,
          cachedTokens: end.stats.reusedTokens,
          completionTokens: end.stats.generatedTokens,
          timeToFirstTokenMs: end.stats.timeToFirstTokenMs,
          reply: { text: end.text, toolCalls, stats: end.stats },
        }
        if (signal.aborted) return { ...outcome, status: 499 }
        if (turn.stream) {
          begin()
          // node-llama-cpp gives the calls whole once parsed: each is one delta with its id, name and arguments.
          openaiCalls(toolCalls).forEach((call, index) => send(chunk({ tool_calls: [{ index, ...call }] })))
          send(chunk({}, finish))
          if (turn.includeUsage) send({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: usageOf(end) })
          res.end('data: [DONE]\n\n')
        } else {
          const message = { role: 'assistant', content: toolCalls.length && !end.text ? null : end.text, ...(end.reasoning ? { reasoning_content: end.reasoning } : {}), ...(toolCalls.length ? { tool_calls: openaiCalls(toolCalls) } : {}) }
          res.writeHead(200, { 'content-type': 'application/json' }).end(
            JSON.stringify({ id, object: 'chat.completion', created, model, choices: [{ index: 0, message, logprobs: null, finish_reason: finish }], usage: usageOf(end) }),
          )
        }
        return outcome
      }
    }
    throw new ApiError(500, 'The model gave no answer.', 'server_error')
  } catch (error) {
    const failure = toApiError(error)
    if (!started) throw failure
    endStreamWithError(res, failure)
    return failedOutcome(failure.status, firstTokenAt)
  }
}
