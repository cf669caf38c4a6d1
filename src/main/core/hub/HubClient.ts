import { ArborFailure } from '../../../shared/errors'
import { groupGgufFiles, type HubModelFile, type HubRepo, type HubTreeEntry } from '../../../shared/hub/hubFiles'

export type HubOptions = {
  /** Defaults to `MODEL_ENDPOINT`, else `HF_ENDPOINT`, else https://huggingface.co (node-llama-cpp's order). */
  endpoint?: string
  /** Defaults to `HF_TOKEN`. */
  token?: string | null
  /** The longest Arbor waits on a rate limit before it gives up with `HUB_RATE_LIMITED`. Defaults to 60 s. */
  maxRateLimitWaitMs?: number
  signal?: AbortSignal
}

export type HubSort = 'downloads' | 'lastModified' | 'likes'

const isHttpUrl = (text: string | undefined): text is string => !!text && /^https?:\/\/[^/]/i.test(text)

/** The Hub's address, resolved as node-llama-cpp resolves it (so that a download goes where a search looked). */
export function hubEndpoint(explicit?: string): string {
  const chosen = [explicit, process.env.MODEL_ENDPOINT, process.env.HF_ENDPOINT].find(isHttpUrl) ?? 'https://huggingface.co'
  return chosen.endsWith('/') ? chosen.slice(0, -1) : chosen
}

export const hubToken = (explicit?: string | null): string | null => (explicit !== undefined ? explicit : process.env.HF_TOKEN || null)

/** The seconds the Hub's `ratelimit` header (`"api";r=0;t=55`) or `Retry-After` asks to wait. */
export function retryAfterSeconds(headers: Headers): number | null {
  const t = /(?:^|;)\s*t=(\d+)/.exec(headers.get('ratelimit') ?? '')?.[1] ?? headers.get('retry-after')
  const seconds = t === null || t === undefined ? NaN : Number(t)
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null
}

/** The Hub's JSON API: search and a repository's files. Every failure is an `ArborFailure` with a stable code. */
export class HubClient {
  readonly endpoint: string
  private readonly token: string | null

  constructor(private readonly options: HubOptions = {}) {
    this.endpoint = hubEndpoint(options.endpoint)
    this.token = hubToken(options.token)
  }

  /** Headers every request to the Hub carries: the token when there is one. */
  get headers(): Record<string, string> {
    return this.token ? { Authorization: `Bearer ${this.token}` } : {}
  }

  /** The address a file of a repository downloads from. */
  fileUrl(repo: string, path: string): string {
    return `${this.endpoint}/${repo.split('/').map(encodeURIComponent).join('/')}/resolve/main/${path.split('/').map(encodeURIComponent).join('/')}`
  }

  /** Repositories with GGUF files matching `query`, most downloaded (or newest, most liked) first. */
  async search(query: string, sort: HubSort = 'downloads', limit = 30): Promise<HubRepo[]> {
    const params = new URLSearchParams({ search: query, filter: 'gguf', sort, direction: '-1', limit: String(limit) })
    const rows = await this.json(`/api/models?${params}`, 'models')
    if (!Array.isArray(rows)) throw new ArborFailure('HUB_UNREACHABLE', `The Hub at ${this.endpoint} answered the search with something that is not a list.`)
    return rows.flatMap((row: Record<string, unknown>) => {
      const id = typeof row.id === 'string' ? row.id : typeof row.modelId === 'string' ? row.modelId : null
      if (!id) return []
      const number = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0)
      return [{ id, author: typeof row.author === 'string' ? row.author : id.split('/')[0]!, downloads: number(row.downloads), likes: number(row.likes), lastModified: typeof row.lastModified === 'string' ? row.lastModified : null }]
    })
  }

  /** The repository's GGUF models (split files combined), with sizes and the SHA-256 the Hub keeps for each part. */
  async files(repo: string): Promise<HubModelFile[]> {
    if (!/^[\w.-]+\/[\w.-]+$/.test(repo)) throw new ArborFailure('BAD_REQUEST', `"${repo.slice(0, 200)}" is not a repository name (owner/name).`)
    const entries = await this.json(`/api/models/${repo}/tree/main?recursive=true`, repo)
    if (!Array.isArray(entries)) throw new ArborFailure('HUB_UNREACHABLE', `The Hub's file list for ${repo} is not a list.`)
    const valid = entries.filter((e): e is HubTreeEntry => typeof e?.path === 'string' && typeof e?.type === 'string' && typeof e?.size === 'number')
    return groupGgufFiles(valid)
  }

  /**
   * The file the Hub names for a tag (`Q4_K_M`, `latest`) of a repository: llama.cpp's manifest route, which
   * node-llama-cpp asks for `hf:` URIs too (with llama.cpp's user agent, for the `ggufFile` field). Null when the
   * Hub names none (no such route, tag or repository): the caller then picks by file name.
   */
  async manifestFile(repo: string, tag: string): Promise<string | null> {
    const [owner, name] = repo.split('/').map(encodeURIComponent)
    const response = await hubFetch(`${this.endpoint}/v2/${owner}/${name}/manifests/${encodeURIComponent(tag)}`, { headers: { ...this.headers, 'User-Agent': 'llama-cpp' }, signal: this.options.signal }, this.endpoint).catch(() => null)
    if (!response?.ok) return null
    const body = (await response.json().catch(() => null)) as { ggufFile?: { rfilename?: unknown } } | null
    return typeof body?.ggufFile?.rfilename === 'string' ? body.ggufFile.rfilename : null
  }

  /** GETs JSON, waiting out rate limits (the Hub's own wait, within the budget) and naming what went wrong. */
  private async json(path: string, what: string): Promise<unknown> {
    const budget = this.options.maxRateLimitWaitMs ?? 60_000
    let waited = 0
    for (;;) {
      const response = await hubFetch(`${this.endpoint}${path}`, { headers: this.headers, signal: this.options.signal }, this.endpoint)
      if (response.status === 429) {
        const seconds = retryAfterSeconds(response.headers)
        const waitMs = Math.max(1, seconds ?? 1) * 1000
        if (waited + waitMs > budget) throw rateLimited(seconds)
        waited += waitMs
        await new Promise((resolve) => setTimeout(resolve, waitMs))
        continue
      }
      await throwForStatus(response, what, this.token !== null)
      return response.json().catch(() => {
        throw new ArborFailure('HUB_UNREACHABLE', `The Hub at ${this.endpoint} sent something that is not JSON for ${what}.`)
      })
    }
  }
}

const rateLimited = (seconds: number | null) =>
  new ArborFailure('HUB_RATE_LIMITED', `The Hub asks to wait${seconds !== null ? ` ${seconds} s` : ''} before the next request (rate limit). Try again later, or sign in with a Hugging Face token for a higher limit.`, seconds !== null ? { retryAfterSeconds: seconds } : {})

/** `fetch`, with a network failure as `HUB_UNREACHABLE`. */
export async function hubFetch(url: string, init: RequestInit, endpoint: string): Promise<Response> {
  try {
    return await fetch(url, init)
  } catch (error) {
    if (init.signal?.aborted) throw error
    throw new ArborFailure('HUB_UNREACHABLE', `Could not reach ${endpoint}: ${((error as Error).cause as Error | undefined)?.message ?? (error as Error).message}. Check the connection (or HF_ENDPOINT).`)
  }
}

/** The stable error for a Hub answer that is not a success; returns for a success. */
export async function throwForStatus(response: Response, what: string, hadToken: boolean): Promise<void> {
  if (response.ok) return
  const body = await response.text().catch(() => '')
  if (response.status === 401 || response.status === 403) {
    throw new ArborFailure(
      'MODEL_GATED',
      hadToken
        ? `${what} is gated or private, and the Hugging Face token given may not read it: accept its terms on the Hub with that account, or use another token.`
        : `${what} is gated or private: a Hugging Face token is needed (Settings, or the HF_TOKEN environment variable).`,
    )
  }
  if (response.status === 404) throw new ArborFailure('MODEL_NOT_FOUND', `The Hub has no ${what} (404). Check the name.`)
  if (response.status === 429) throw rateLimited(retryAfterSeconds(response.headers))
  throw new ArborFailure('HUB_UNREACHABLE', `The Hub answered ${response.status} for ${what}${body ? `: ${body.slice(0, 200)}` : ''}.`)
}
