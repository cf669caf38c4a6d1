import { randomBytes } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import { z } from 'zod'
import type { EngineEnd, Sampling } from '../../../shared/engine/engineTypes'
import type { Engine } from '../engine'
import { ApiError, endStreamWithError, stoppedByArbor, toApiError } from './apiErrors'
import { failedOutcome, usageOf, type CompletionOutcome } from './chatCompletion'
import { samplingFields, toSampling } from './chatRequest'

/** `POST /v1/completions` (the legacy text API raw-completion clients use): one prompt string continued. */
export const completionSchema = z
  .object({
    model: z.string().max(500).optional(),
    prompt: z.union([z.string().max(4_000_000), z.array(z.string().max(4_000_000)).length(1)]),
    stream: z.boolean().nullish(),
    ...samplingFields,
    echo: z.boolean().nullish(),
    suffix: z.string().nullish(),
  })
  .passthrough()

const FINISH: Record<EngineEnd['reason'], string> = { eos: 'stop', maxTokens: 'length', toolUse: 'stop', stopped: 'stop', error: 'stop' }

/**
 * Answers one raw completion on the engine (background priority, the longest shared prefix reused), streamed as
 * OpenAI's `text_completion` chunks or as one answer. `max_tokens` defaults to 16, as OpenAI's does.
 */
export async function answerCompletion(engine: Engine, body: z.infer<typeof completionSchema>, model: string, res: ServerResponse, signal: AbortSignal): Promise<CompletionOutcome> {
  if ((body.n ?? 1) > 1) throw new ApiError(400, 'n > 1 is not supported: send one request per completion.', 'invalid_request_error', 'n')
  if (body.echo) throw new ApiError(400, 'echo is not supported.', 'invalid_request_error', 'echo')
  if (body.suffix) throw new ApiError(400, 'suffix (infill) is not supported.', 'invalid_request_error', 'suffix')
  const prompt = typeof body.prompt === 'string' ? body.prompt : body.prompt[0]!
  const sampling: Sampling = { ...toSampling(body), maxTokens: body.max_tokens ?? 16 }
  const id = `cmpl-${randomBytes(12).toString('hex')}`
  const created = Math.floor(Date.now() / 1000)
  const stream = body.stream === true
  const chunk = (text: string, finish: string | null) => ({ id, object: 'text_completion', created, model, choices: [{ text, index: 0, logprobs: null, finish_reason: finish }] })
  const send = (data: object) => {
    if (!res.destroyed && !res.writableEnded) res.write(`data: ${JSON.stringify(data)}\n\n`)
  }
  let started = false
  try {
    for await (const event of engine.complete({ prompt, sampling, priority: 'background' }, signal)) {
      if (event.type === 'text' && stream) {
        if (!started) res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' })
        started = true
        send(chunk(event.text, null))
      }
      if (event.type !== 'end') continue
      if (event.reason === 'error') throw new ApiError(500, event.error?.message ?? 'The model failed.', 'server_error', null, 'generation_failed')
      if (event.reason === 'stopped' && !signal.aborted) throw stoppedByArbor()
      const usage = usageOf(event)
      const outcome: CompletionOutcome = {
        status: signal.aborted ? 499 : 200,
        promptTokens: event.stats.promptTokens,
        cachedTokens: event.stats.reusedTokens,
        completionTokens: event.stats.generatedTokens,
        timeToFirstTokenMs: event.stats.timeToFirstTokenMs,
        reply: null,
      }
      if (signal.aborted) return outcome
      if (stream) {
        if (!started) res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' })
        started = true
        send(chunk('', FINISH[event.reason]))
        if (body.stream_options?.include_usage) send({ id, object: 'text_completion', created, model, choices: [], usage })
        res.end('data: [DONE]\n\n')
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...chunk(event.text, FINISH[event.reason]), usage }))
      }
      return outcome
    }
    throw new ApiError(500, 'The model gave no answer.', 'server_error')
  } catch (error) {
    const failure = toApiError(error)
    if (!started) throw failure
    endStreamWithError(res, failure)
    return failedOutcome(failure.status)
  }
}
