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

/** A server's base URL as Arbor keeps it: no trailing slash, no `/v1` (each request names its own path). */
export const normalizeBaseUrl = (baseUrl: string): string => baseUrl.trim().replace(/\/+$/, '').replace(/\/v1$/, '')

/**
 * An OpenAI-compatible server as HTTP: requests with the key and a timeout until the headers, its refusals as
 * coded failures (`ENGINE_UNREACHABLE`, `ENGINE_UNAUTHORIZED`, `MODEL_NOT_FOUND`).
 */
export class RemoteServer {
  readonly baseUrl: string

  constructor(private readonly options: RemoteServerOptions) {
    this.baseUrl = normalizeBaseUrl(options.baseUrl)
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
}

/** This machine as the UI shows it beside a remote engine (the model's memory is the server's). */
export function localHardware(): Hardware {
  const cores = os.availableParallelism()
  return { gpu: { backend: false, names: [], vramTotalBytes: 0, vramFreeBytes: 0 }, ramTotalBytes: os.totalmem(), ramFreeBytes: os.freemem(), physicalCores: cores, logicalCores: cores, defaultThreads: 1, cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown' }
}

/** What is known of a model a server runs: its id and context; the file's facts are the server's. */
export function remoteFacts(model: string, baseUrl: string, contextSize: number, warnings: string[] = []): ModelFacts {
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
    warnings: [`Served by ${baseUrl}: memory and fit are the server's.`, ...warnings],
    inspectMs: 0,
  }
}
