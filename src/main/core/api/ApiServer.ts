import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { z } from 'zod'
import { performance } from 'node:perf_hooks'
import { ArborFailure } from '../../../shared/errors'
import type { ApiRequestLog, ApiServerStatus } from '../../../shared/apiServer'
import type { Engine } from '../engine'
import type { TurnRunner } from '../turns/TurnRunner'
import { ApiError, sendError, toApiError } from './apiErrors'
import { answerChatCompletion, type CompletionOutcome } from './chatCompletion'
import type { RecordedRequest } from './ApiRecorder'
import { chatCompletionSchema, describeIssue, toChatTurn, type ChatCompletionBody } from './chatRequest'
import { answerCompletion, completionSchema } from './completion'

export type ApiServerOptions = {
  /** Defaults to `127.0.0.1`. Another address needs an `apiKey`. */
  host?: string
  /** 0 picks a free one. Defaults to 1234, or the next free port up to 1243 when another program has it. */
  port?: number
  /** Required as `Authorization: Bearer <key>` when set. */
  apiKey?: string | null
  /** Origins a browser page may call from (CORS), read at each request; none by default. */
  corsOrigins?: string[] | (() => readonly string[])
  /** Defaults to 16 MiB: a long agent history is a few hundred kilobytes. */
  maxBodyBytes?: number
  /** Told of every request once it is answered. */
  onRequest?(entry: ApiRequestLog): void
  /** Given every completed chat request (history and reply), to record it as a conversation tree. */
  record?(request: RecordedRequest): void
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]'])
export const DEFAULT_PORT = 1234

/** The model's id in the API: its file name without `.gguf`. */
export const modelIdOf = (fileName: string): string => fileName.replace(/\.gguf$/i, '')

/** `raw` checked against `schema`; a 400 naming the first wrong field otherwise. */
function parse<T extends z.ZodType>(schema: T, raw: unknown): z.infer<T> {
  const parsed = schema.safeParse(raw)
  if (parsed.success) return parsed.data
  const { message, param } = describeIssue(parsed.error)
  throw new ApiError(400, message, 'invalid_request_error', param, 'invalid_value')
}

const noModel = () => new ApiError(503, 'No model is loaded in Arbor: load one, then retry.', 'server_error', null, 'model_not_loaded')

/** Reads a JSON body of at most `limit` bytes: 413 past it, 400 for what is not JSON. */
async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0)
  if (declared > limit) throw new ApiError(413, `The body is ${declared} bytes; at most ${limit} are accepted.`, 'invalid_request_error', null, 'body_too_large')
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > limit) throw new ApiError(413, `The body is over ${limit} bytes.`, 'invalid_request_error', null, 'body_too_large')
    chunks.push(chunk as Buffer)
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch (error) {
    throw new ApiError(400, `The body is not JSON: ${(error as Error).message}`, 'invalid_request_error', null, 'invalid_json')
  }
}

/**
 * Arbor's model over an OpenAI-compatible API (`/v1/models`, `/v1/chat/completions`, `/v1/completions`, `/health`) for Pi, editors
 * and scripts. Every request runs through the turn runner at background priority, on the engine's sequences
 * (the longest shared prefix wins a sequence, so a re-sent history is not read again), within its queue bound
 * (429 past it). Only loopback by default; a key when set; the Host header checked (DNS rebinding); bodies
 * bounded. Every error is answered in OpenAI's shape; none stops the server.
 */
export class ApiServer {
  private server: Server | null = null
  private port = 0
  private readonly host: string
  private readonly key: Buffer | null

  constructor(
    private readonly engine: Engine,
    private readonly runner: TurnRunner,
    private readonly options: ApiServerOptions = {},
  ) {
    this.host = options.host ?? '127.0.0.1'
    this.key = options.apiKey ? Buffer.from(options.apiKey) : null
    if (!LOOPBACK.has(this.host) && !this.key) throw new ArborFailure('BAD_REQUEST', `Serving on ${this.host} lets other machines in: set an API key first.`, { field: 'apiKey' })
  }

  get status(): ApiServerStatus {
    const url = this.server ? `http://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}/v1` : null
    return { running: this.server !== null, host: this.host, port: this.port, baseUrl: url, keyRequired: this.key !== null }
  }

  /** Listens; throws `PORT_IN_USE` when the port (or, for the default, every port up to 1243) is taken. */
  async start(): Promise<ApiServerStatus> {
    if (this.server) return this.status
    const wanted = this.options.port ?? DEFAULT_PORT
    const candidates = this.options.port === undefined ? Array.from({ length: 10 }, (_, i) => DEFAULT_PORT + i) : [wanted]
    for (const port of candidates) {
      const server = createServer((req, res) => void this.handle(req, res))
      // Slow clients (a generation that takes minutes) are not cut off by Node's defaults.
      server.requestTimeout = 0
      server.headersTimeout = 60_000
      const listening = await new Promise<boolean>((resolve, reject) => {
        server.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(false) : reject(error)))
        server.listen(port, this.host, () => resolve(true))
      })
      if (!listening) continue
      server.on('error', () => undefined)
      this.server = server
      this.port = (server.address() as { port: number }).port
      return this.status
    }
    throw new ArborFailure('PORT_IN_USE', `Another program listens on ${this.host}:${wanted}${candidates.length > 1 ? `–${candidates.at(-1)}` : ''}; choose another port.`, { host: this.host, port: wanted })
  }

  /** Stops listening and ends open connections (their generations stop with them). */
  async stop(): Promise<void> {
    const server = this.server
    if (!server) return
    this.server = null
    await new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
  }

  private hostAllowed(req: IncomingMessage): boolean {
    const header = req.headers.host
    if (typeof header !== 'string' || header.length > 300) return false
    if (this.host === '0.0.0.0' || this.host === '::') return true
    const bracket = header.endsWith(']')
    const at = header.lastIndexOf(':')
    const name = at > 0 && !bracket ? header.slice(0, at) : header
    const port = at > 0 && !bracket ? header.slice(at + 1) : '80'
    const names = LOOPBACK.has(this.host) ? LOOPBACK : new Set([this.host, ...LOOPBACK])
    // An IPv6 address comes in brackets in the header, bare in the bound address.
    return (names.has(name.toLowerCase()) || names.has(name.replace(/^\[(.*)\]$/, '$1').toLowerCase())) && port === String(this.port)
  }

  private authorized(req: IncomingMessage): boolean {
    if (!this.key) return true
    const header = req.headers.authorization
    // The scheme is case-insensitive (RFC 7235): `bearer` is as good as `Bearer`.
    const given = Buffer.from(typeof header === 'string' && /^bearer /i.test(header) ? header.slice(7).trim() : '')
    return given.length === this.key.length && timingSafeEqual(given, this.key)
  }

  private get origins(): readonly string[] {
    const origins = this.options.corsOrigins ?? []
    return typeof origins === 'function' ? origins() : origins
  }

  /**
   * CORS, for listed origins only. A page from any other origin is refused outright (403), not merely left
   * without an allowance: a browser sends a simple cross-site POST without asking first, and its generation
   * would run (and cost) even though the page could not read the answer.
   */
  private cors(req: IncomingMessage, res: ServerResponse): void {
    const origin = req.headers.origin
    if (origin === undefined) return
    if (typeof origin !== 'string' || !this.origins.includes(origin))
      throw new ApiError(403, `Web pages from ${String(origin).slice(0, 200)} may not call this server; allow the origin in the API server's settings.`, 'invalid_request_error', null, 'origin_not_allowed')
    res.setHeader('access-control-allow-origin', origin)
    res.setHeader('vary', 'origin')
    res.setHeader('access-control-allow-headers', 'authorization, content-type')
    res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS')
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // A write after the client left must not become an uncaught 'error' event.
    res.on('error', () => undefined)
    const since = performance.now()
    const path = (req.url ?? '/').split('?')[0]!
    let outcome: Partial<CompletionOutcome> & { status: number } = { status: 200 }
    let client = req.socket.remoteAddress ?? 'unknown'
    try {
      if (!this.hostAllowed(req)) throw new ApiError(421, 'This server answers only to its own address (the Host header names another).', 'invalid_request_error', null, 'host_not_allowed')
      this.cors(req, res)
      if (req.method === 'OPTIONS') {
        res.writeHead(204).end()
        return
      }
      if (path === '/health' && req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: this.engine.loaded ? 'ok' : 'no_model' }))
        return
      }
      if (!this.authorized(req)) throw new ApiError(401, 'A valid API key is required (Authorization: Bearer <key>).', 'invalid_request_error', null, 'invalid_api_key')
      if (path === '/v1/models' && req.method === 'GET') return this.models(res)
      const isChat = path === '/v1/chat/completions'
      if ((isChat || path === '/v1/completions') && req.method === 'POST') {
        const raw = await readJson(req, this.options.maxBodyBytes ?? 16 << 20)
        const loaded = this.engine.loaded
        // The client going away (a closed connection) stops its generation.
        const gone = new AbortController()
        res.on('close', () => gone.abort())
        // Gone while its body was read: nothing to generate for.
        if (res.destroyed) gone.abort()
        if (!isChat) {
          const completion = parse(completionSchema, raw)
          if (!loaded) throw noModel()
          outcome = await answerCompletion(this.engine, completion, modelIdOf(loaded.facts.fileName), res, gone.signal)
          return
        }
        const body: ChatCompletionBody = parse(chatCompletionSchema, raw)
        client = body.user || client
        if (!loaded) throw noModel()
        const turn = toChatTurn(body)
        outcome = await answerChatCompletion(this.runner, turn, modelIdOf(loaded.facts.fileName), res, gone.signal)
        const reply = outcome.reply
        if (outcome.status === 200 && reply && this.options.record) {
          // Recorded per client: its `user` field, else all in one tree (each conversation a root of it).
          this.options.record({ client: body.user || 'default', systemPrompt: turn.systemPrompt, messages: turn.messages, reply, stats: reply.stats, model: loaded.facts.fileName })
        }
        return
      }
      throw new ApiError(404, `There is no ${req.method} ${path.slice(0, 200)} here: the API is under /v1 (models, chat/completions, completions).`, 'invalid_request_error', null, 'not_found')
    } catch (error) {
      const failure = toApiError(error)
      outcome = { status: failure.status }
      sendError(res, failure, !req.complete)
    } finally {
      if (path === '/v1/chat/completions' || path === '/v1/completions') this.options.onRequest?.(this.logEntry(client, path, outcome, since))
    }
  }

  private models(res: ServerResponse): void {
    const loaded = this.engine.loaded
    const data = loaded
      ? [{ id: modelIdOf(loaded.facts.fileName), object: 'model', created: Math.floor(Date.now() / 1000), owned_by: 'arbor', context_length: loaded.settings.contextSize }]
      : []
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data }))
  }

  private logEntry(client: string, path: string, outcome: Partial<CompletionOutcome> & { status: number }, since: number): ApiRequestLog {
    return {
      id: randomBytes(4).toString('hex'),
      at: new Date().toISOString(),
      client: client.slice(0, 100),
      path,
      status: outcome.status,
      promptTokens: outcome.promptTokens ?? 0,
      cachedTokens: outcome.cachedTokens ?? 0,
      completionTokens: outcome.completionTokens ?? 0,
      timeToFirstTokenMs: outcome.timeToFirstTokenMs ?? null,
      totalMs: performance.now() - since,
    }
  }
}
