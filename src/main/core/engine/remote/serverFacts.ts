import { ArborFailure } from '../../../../shared/errors'
import type { RemoteServerKind } from '../../../../shared/types'
import type { RemoteServer } from './RemoteServer'

/**
 * What a server says about itself, read when Arbor connects. Context and slots are null where the server does not
 * say them (Arbor then assumes a context of 4,096 and one slot, and says so). `tokenizer` names the route that
 * counts tokens exactly with the server's model; without one, counts are estimates.
 */
export type ServerFacts = {
  model: string
  kind: RemoteServerKind
  contextSize: number | null
  slots: number | null
  tokenizer: 'llama-server' | 'vllm' | null
}

type ListedModel = { id?: unknown; owned_by?: unknown; max_model_len?: unknown; context_length?: unknown }

const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : null)

/**
 * The model the server offers (the one asked for, else the first it lists) and what kind of server it is, from
 * each kind's own route: llama-server's `/props` (context per slot, slots), vLLM's model list (`max_model_len`,
 * `owned_by: "vllm"`), Arbor's (`owned_by: "arbor"`, `context_length`), Ollama's `/api/show` (`num_ctx` when set),
 * LM Studio's `/api/v0/models` (the loaded context). Throws `MODEL_NOT_FOUND` for a model the server lacks.
 */
export async function readServerFacts(server: RemoteServer, asked: string | undefined): Promise<ServerFacts> {
  const listed = (((await server.json('/v1/models')) as { data?: ListedModel[] }).data ?? []).filter((m): m is ListedModel & { id: string } => typeof m.id === 'string')
  const model = asked ?? listed[0]?.id
  if (!model) throw new ArborFailure('MODEL_NOT_FOUND', `${server.baseUrl} lists no model.`)
  if (asked && listed.length && !listed.some((m) => m.id === asked))
    throw new ArborFailure('MODEL_NOT_FOUND', `${server.baseUrl} has no model "${asked}"; it offers ${listed.map((m) => m.id).join(', ')}.`)
  const entry = listed.find((m) => m.id === model)
  const optional = (path: string, body?: unknown) => server.json(path, body).catch(() => null) as Promise<Record<string, unknown> | null>

  const props = (await optional('/props')) as { default_generation_settings?: { n_ctx?: unknown }; total_slots?: unknown } | null
  const nCtx = num(props?.default_generation_settings?.n_ctx)
  if (nCtx) return { model, kind: 'llama-server', contextSize: nCtx, slots: num(props?.total_slots) ?? 1, tokenizer: 'llama-server' }
  if (entry?.owned_by === 'vllm' || num(entry?.max_model_len)) return { model, kind: 'vllm', contextSize: num(entry?.max_model_len), slots: null, tokenizer: 'vllm' }
  if (entry?.owned_by === 'arbor') return { model, kind: 'arbor', contextSize: num(entry.context_length), slots: null, tokenizer: null }
  const show = (await optional('/api/show', { model })) as { model_info?: Record<string, unknown>; parameters?: unknown } | null
  if (show?.model_info) {
    // Ollama runs a model with `num_ctx` (its Modelfile's, else Ollama's default), not the model's trained length.
    const numCtx = typeof show.parameters === 'string' ? num(Number(/^num_ctx\s+(\d+)/m.exec(show.parameters)?.[1])) : null
    return { model, kind: 'ollama', contextSize: numCtx, slots: null, tokenizer: null }
  }
  const lmStudio = (await optional('/api/v0/models')) as { data?: { id?: unknown; loaded_context_length?: unknown; max_context_length?: unknown }[] } | null
  const lmEntry = lmStudio?.data?.find((m) => m.id === model)
  if (lmEntry) return { model, kind: 'lmstudio', contextSize: num(lmEntry.loaded_context_length) ?? num(lmEntry.max_context_length), slots: null, tokenizer: null }
  return { model, kind: 'openai', contextSize: num(entry?.context_length), slots: null, tokenizer: null }
}

/** Token ids of `content` with the server's own tokenizer (no special tokens), through the route its kind has. */
export async function serverTokenize(server: RemoteServer, facts: ServerFacts, content: string): Promise<number[]> {
  if (facts.tokenizer === 'llama-server') return ((await server.json('/tokenize', { content, add_special: false })) as { tokens: number[] }).tokens
  return ((await server.json('/tokenize', { model: facts.model, prompt: content, add_special_tokens: false })) as { tokens: number[] }).tokens
}
