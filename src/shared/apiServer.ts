/** Arbor's OpenAI-compatible server, as the UI and the CLI see it. */

export type ApiServerStatus = {
  running: boolean
  host: string
  /** The port it listens on (0 while stopped). */
  port: number
  /** `http://<host>:<port>/v1` while running. */
  baseUrl: string | null
  /** Requests need `Authorization: Bearer <key>`. */
  keyRequired: boolean
}

/** One answered request, for the live log. */
export type ApiRequestLog = {
  id: string
  at: string
  /** The request's `user` field, else the client's address. */
  client: string
  path: string
  status: number
  promptTokens: number
  /** Prompt tokens the KV cache held already (not evaluated again). */
  cachedTokens: number
  completionTokens: number
  timeToFirstTokenMs: number | null
  totalMs: number
}

/** The longest answer to tell Pi for a context of `contextWindow`: a quarter of it, at most 8,192. */
export const piMaxTokens = (contextWindow: number): number => Math.min(8192, Math.floor(contextWindow / 4))

/**
 * The provider entry for Pi's `models.json` (`~/.pi/agent/models.json`) that points Pi at this server: Pi's
 * `openai-completions` API, the loaded context as its window, and the compat flags a local server needs.
 */
export function piProviderSnippet(baseUrl: string, modelId: string, contextWindow: number, maxTokens: number, apiKey: string | null): string {
  const provider = {
    baseUrl,
    api: 'openai-completions',
    apiKey: apiKey ?? 'arbor',
    compat: { supportsDeveloperRole: false, supportsReasoningEffort: false },
    models: [{ id: modelId, name: `${modelId} (Arbor)`, reasoning: false, input: ['text'], contextWindow, maxTokens, cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 } }],
  }
  return JSON.stringify({ providers: { arbor: provider } }, null, 2)
}
