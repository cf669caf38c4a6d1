import os from 'node:os'
import { ArborFailure } from '../../../../shared/errors'
import type { Hardware, ModelFacts } from '../../../../shared/types'
import { failureOf } from './openaiWire'

export type RemoteServerOptions = {
  /** The server's base URL, with or without `/v1` (e.g. `http://gpu-box:8080`). */
  baseUrl: string
  /** Sent as `Authorization: Bearer <key>`; never logged or stored by the engine. Defaults to none. */
  apiKey?: string | null
  /** The model to ask for; defaults to the first one the server lists. */
  model?: string
  /** How long to wait for the server to answer at all (connect and headers). Defaults to 10 s. */
  connectTimeoutMs?: number
}

/** What a server says about itself: llama-server's `/props`, else only its model list. */
export type ServerFacts = { model: string; contextSize: number; slots: number; kind: 'llama-server' | 'openai' }

/**
 * An OpenAI-compatible server as HTTP: requests with the key and a timeout until the headers, its refusals as
 * coded failures (`ENGINE_UNREACHABLE`, `ENGINE_UNAUTHORIZED`, `MODEL_NOT_FOUND`), and what it says about itself.
 */
export class RemoteServer {
  readonly baseUrl: string

  constructor(private readonly options: RemoteServerOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '')
  }

  private headers(): Record<string, string> {
    return { 'content-type': 'application/json', ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}) }
  }

  /** A request with the connect timeout (until the headers), refused statuses as coded failures. */
  async fetch(path: string, init: RequestInit = {}, timeoutMs = this.options.connectTimeoutMs ?? 10_000, signal?: AbortSignal): Promise<Response> {
    const timer = new AbortController()
    const timeout = setTimeout(() => timer.abort(), timeoutMs)
    try {
      const response = await fetch(`${this.baseUrl}${path}`, { ...init, headers: this.headers(), signal: signal ? AbortSignal.any([signal, timer.signal]) : timer.signal })
      if (!response.ok) throw await failureOf(response, this.baseUrl)
      return response
    } catch (error) {
      if (error instanceof ArborFailure) throw error
      if (signal?.aborted) throw error
      if (timer.signal.aborted) throw new ArborFailure('ENGINE_UNREACHABLE', `${this.baseUrl} did not answer within ${Math.round(timeoutMs / 1000)} s.`)
      const cause = ((error as Error).cause as Error | undefined)?.message ?? (error as Error).message
      throw new ArborFailure('ENGINE_UNREACHABLE', `Could not reach ${this.baseUrl}: ${cause}. Is the server running?`)
    } finally {
      clearTimeout(timeout)
    }
  }

  async json(path: string, body?: unknown): Promise<unknown> {
    const response = await this.fetch(path, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) })
    return response.json()
  }

  /** The models the server offers, and llama-server's context and slots when it is one. */
  async facts(): Promise<ServerFacts> {
    const listed = ((await this.json('/v1/models')) as { data?: { id?: unknown }[] }).data ?? []
    const ids = listed.flatMap((m) => (typeof m.id === 'string' ? [m.id] : []))
    const model = this.options.model ?? ids[0]
    if (!model) throw new ArborFailure('MODEL_NOT_FOUND', `${this.baseUrl} lists no model.`)
    if (this.options.model && ids.length && !ids.includes(this.options.model))
      throw new ArborFailure('MODEL_NOT_FOUND', `${this.baseUrl} has no model "${this.options.model}"; it offers ${ids.join(', ')}.`)
    const props = (await this.json('/props').catch(() => null)) as { default_generation_settings?: { n_ctx?: number }; total_slots?: number } | null
    const nCtx = props?.default_generation_settings?.n_ctx
    if (props && typeof nCtx === 'number') return { model, contextSize: nCtx, slots: props.total_slots ?? 1, kind: 'llama-server' }
    return { model, contextSize: 4096, slots: 1, kind: 'openai' }
  }
}

/** This machine as the UI shows it beside a remote engine (the model's memory is the server's). */
export function localHardware(): Hardware {
  const cores = os.availableParallelism()
  return { gpu: { backend: false, names: [], vramTotalBytes: 0, vramFreeBytes: 0 }, ramTotalBytes: os.totalmem(), ramFreeBytes: os.freemem(), physicalCores: cores, logicalCores: cores, defaultThreads: 1, cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown' }
}

/** What is known of a model a server runs: its id and context; the file's facts are the server's. */
export function remoteFacts(model: string, baseUrl: string, contextSize: number): ModelFacts {
  return {
    path: `${baseUrl}#${model}`,
    fileName: model,
    fileBytes: 0,
    architecture: 'remote',
    name: model,
    parameters: 0,
    fileType: 'unknown',
    bitsPerWeight: 0,
    layers: 0,
    embeddingSize: 0,
    headCount: 0,
    headCountKv: 0,
    vocabSize: 0,
    trainContextSize: contextSize,
    hasChatTemplate: true,
    tensorCount: 0,
    warnings: [`Served by ${baseUrl}: memory and fit are the server's.`],
    inspectMs: 0,
  }
}
