import type { ServerResponse } from 'node:http'
import { ArborFailure, type ErrorCode } from '../../../shared/errors'

/** An answer in OpenAI's error shape with its HTTP status: what every OpenAI client knows how to read. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string = 'invalid_request_error',
    readonly param: string | null = null,
    readonly code: string | null = null,
    /** Seconds after which a retry may succeed (429). */
    readonly retryAfter?: number,
  ) {
    super(message)
    this.name = 'ApiError'
  }

  get body() {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } }
  }
}

const statusOf: Partial<Record<ErrorCode, [number, string, string]>> = {
  NO_MODEL_LOADED: [503, 'server_error', 'model_not_loaded'],
  LOAD_IN_PROGRESS: [503, 'server_error', 'model_loading'],
  CONTEXT_OVERFLOW: [400, 'invalid_request_error', 'context_length_exceeded'],
  ENGINE_BUSY: [429, 'rate_limit_error', 'engine_busy'],
  BAD_REQUEST: [400, 'invalid_request_error', 'bad_request'],
  GENERATION_FAILED: [500, 'server_error', 'generation_failed'],
}

/** Any error met while answering, as an `ApiError`: Arbor's codes mapped to statuses, anything else a 500. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error
  const failure = ArborFailure.wrap(error, 'INTERNAL')
  const [status, type, code] = statusOf[failure.code] ?? [500, 'server_error', failure.code.toLowerCase()]
  const param = failure.code === 'BAD_REQUEST' ? ((failure.details as { field?: string } | undefined)?.field ?? null) : null
  return new ApiError(status, failure.message, type, param, code, failure.code === 'ENGINE_BUSY' ? 2 : undefined)
}

/**
 * Writes an error answer (JSON, its status, `Retry-After` for a 429); nothing when the answer has begun already.
 * `unreadBody`: the answer comes before the request's body was read (a 413, a refused Host): the connection closes
 * after it, as a client still sending would otherwise meet a broken connection on its next request.
 */
export function sendError(res: ServerResponse, error: ApiError, unreadBody = false): void {
  if (res.headersSent || res.destroyed) return
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (unreadBody) headers.connection = 'close'
  if (error.retryAfter !== undefined) headers['retry-after'] = String(error.retryAfter)
  res.writeHead(error.status, headers).end(JSON.stringify(error.body))
}

/** A stream that has begun ends with the error in it, in OpenAI's shape, then `[DONE]`; nothing once it has ended. */
export function endStreamWithError(res: ServerResponse, error: ApiError): void {
  if (res.destroyed || res.writableEnded) return
  res.write(`data: ${JSON.stringify(error.body)}\n\n`)
  res.end('data: [DONE]\n\n')
}

/** A generation Arbor stopped (a model being loaded or unloaded), not the client: the answer is not whole. */
export const stoppedByArbor = () =>
  new ApiError(503, 'The model was stopped in Arbor (it is being replaced or unloaded); retry when one is loaded.', 'server_error', null, 'model_unloading', 2)
