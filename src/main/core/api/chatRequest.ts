import { z } from 'zod'
import type { ResponseFormat, Sampling } from '../../../shared/engine/engineTypes'
import type { ContextMessage, ToolCallRef } from '../../../shared/extensions/ExtensionEvents'
import type { ToolForModel } from '../../../shared/extensions/toolTokenCost'
import { ApiError } from './apiErrors'

/**
 * `POST /v1/chat/completions` as OpenAI defines it, the fields Arbor reads checked (bounds included); fields it
 * does not use (`store`, `metadata`, `reasoning_effort`…) are let through and ignored, as servers do.
 */
const textPart = z.object({ type: z.literal('text'), text: z.string() }).passthrough()
const otherPart = z.object({ type: z.string() }).passthrough()
const content = z.union([z.string(), z.array(z.union([textPart, otherPart])), z.null()])
const toolCall = z
  .object({ id: z.string().max(200), type: z.literal('function').optional(), function: z.object({ name: z.string().min(1).max(200), arguments: z.string() }).passthrough() })
  .passthrough()
const message = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content }).passthrough(),
  z.object({ role: z.literal('developer'), content }).passthrough(),
  z.object({ role: z.literal('user'), content }).passthrough(),
  z.object({ role: z.literal('assistant'), content: content.optional(), tool_calls: z.array(toolCall).max(128).optional() }).passthrough(),
  z.object({ role: z.literal('tool'), content, tool_call_id: z.string().max(200) }).passthrough(),
])
const tool = z
  .object({
    type: z.literal('function'),
    function: z.object({ name: z.string().min(1).max(200), description: z.string().max(100_000).optional(), parameters: z.record(z.string(), z.unknown()).optional() }).passthrough(),
  })
  .passthrough()
const toolChoice = z.union([z.enum(['auto', 'none', 'required']), z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) }).passthrough()])
const responseFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }).passthrough(),
  z.object({ type: z.literal('json_object') }).passthrough(),
  z.object({ type: z.literal('json_schema'), json_schema: z.object({ name: z.string().optional(), schema: z.record(z.string(), z.unknown()) }).passthrough() }).passthrough(),
])
const tokens = z.number().int().min(1).max(1 << 20)

/** How tokens are chosen, the same for chat and raw completions. */
export const samplingFields = {
  stream_options: z.object({ include_usage: z.boolean().optional() }).passthrough().nullish(),
  temperature: z.number().min(0).max(5).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  top_k: z.number().int().min(0).max(100_000).nullish(),
  min_p: z.number().min(0).max(1).nullish(),
  seed: z.number().int().nullish(),
  stop: z.union([z.string().max(200), z.array(z.string().max(200)).max(16)]).nullish(),
  max_tokens: tokens.nullish(),
  n: z.number().int().min(1).nullish(),
}

type SamplingBody = { [K in keyof typeof samplingFields]?: z.infer<(typeof samplingFields)[K]> }

/** OpenAI's sampling fields as the engine's (temperature 1 unless given, as OpenAI's default). */
export function toSampling(body: SamplingBody): Sampling {
  const stop = (body.stop == null ? [] : typeof body.stop === 'string' ? [body.stop] : body.stop).filter(Boolean)
  return {
    temperature: body.temperature ?? 1,
    ...(body.top_p != null ? { topP: body.top_p } : {}),
    ...(body.top_k != null ? { topK: body.top_k } : {}),
    ...(body.min_p != null ? { minP: body.min_p } : {}),
    ...(body.seed != null ? { seed: body.seed >>> 0 } : {}),
    ...(body.max_tokens != null ? { maxTokens: body.max_tokens } : {}),
    ...(stop.length ? { stop } : {}),
  }
}

export const chatCompletionSchema = z
  .object({
    model: z.string().max(500).optional(),
    messages: z.array(message).min(1).max(100_000),
    stream: z.boolean().nullish(),
    tools: z.array(tool).max(256).nullish(),
    tool_choice: toolChoice.nullish(),
    parallel_tool_calls: z.boolean().nullish(),
    response_format: responseFormat.nullish(),
    ...samplingFields,
    max_completion_tokens: tokens.nullish(),
    presence_penalty: z.number().min(-2).max(2).nullish(),
    frequency_penalty: z.number().min(-2).max(2).nullish(),
    repeat_penalty: z.number().min(1).max(3).nullish(),
    user: z.string().max(500).nullish(),
  })
  .passthrough()

export type ChatCompletionBody = z.infer<typeof chatCompletionSchema>

/** What a chat completion asks of the engine, in Arbor's terms. */
export type ChatTurn = {
  systemPrompt: string
  messages: ContextMessage[]
  /** The client's tools, offered (never run by Arbor); empty for `tool_choice: "none"`. */
  tools: ToolForModel[]
  sampling: Sampling
  responseFormat?: ResponseFormat
  stream: boolean
  includeUsage: boolean
}

/** The message's text: a string, or its text parts joined. An image or audio part is refused (the models here read text). */
function textOf(value: z.infer<typeof content> | undefined, field: string): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  return value
    .map((part, i) => {
      if (part.type === 'text' && typeof part.text === 'string') return part.text
      throw new ApiError(400, `${field}[${i}] is a "${part.type}" part; the loaded model reads text only.`, 'invalid_request_error', `${field}[${i}].type`)
    })
    .join('\n')
}

/** The first zod issue as a sentence naming its field (`messages[2].role`). */
export function describeIssue(error: z.ZodError): { message: string; param: string } {
  const issue = error.issues[0]!
  const param = issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('')
  return { message: `${param || 'The body'}: ${issue.message}`, param }
}

/**
 * The OpenAI request as an engine turn: system and developer messages become the system prompt (in order),
 * assistant tool calls keep their ids (their arguments parsed from JSON), tool messages answer them by id.
 * Throws `ApiError` 400 naming the field for anything Arbor cannot honour (`n` > 1, images, bad JSON arguments).
 */
export function toChatTurn(body: ChatCompletionBody): ChatTurn {
  if ((body.n ?? 1) > 1) throw new ApiError(400, 'n > 1 is not supported: send one request per completion.', 'invalid_request_error', 'n')
  const system: string[] = []
  const messages: ContextMessage[] = []
  const toolNames = new Map<string, string>()
  body.messages.forEach((m, i) => {
    const field = `messages[${i}].content`
    if (m.role === 'system' || m.role === 'developer') system.push(textOf(m.content, field))
    else if (m.role === 'user') messages.push({ role: 'user', text: textOf(m.content, field) })
    else if (m.role === 'assistant') {
      const calls: ToolCallRef[] = (m.tool_calls ?? []).map((c, j) => {
        let args: unknown
        try {
          args = c.function.arguments.trim() === '' ? {} : JSON.parse(c.function.arguments)
        } catch {
          throw new ApiError(400, `messages[${i}].tool_calls[${j}].function.arguments is not JSON.`, 'invalid_request_error', `messages[${i}].tool_calls[${j}].function.arguments`)
        }
        toolNames.set(c.id, c.function.name)
        return { id: c.id, name: c.function.name, arguments: typeof args === 'object' && args !== null && !Array.isArray(args) ? (args as Record<string, unknown>) : {} }
      })
      messages.push({ role: 'assistant', text: textOf(m.content, field), ...(calls.length ? { toolCalls: calls } : {}) })
    } else messages.push({ role: 'toolResult', text: textOf(m.content, field), toolCallId: m.tool_call_id, toolName: toolNames.get(m.tool_call_id) ?? 'tool' })
  })
  const choice = body.tool_choice ?? 'auto'
  let tools: ToolForModel[] = (body.tools ?? []).map((t) => ({ name: t.function.name, description: t.function.description ?? '', parameters: t.function.parameters ?? { type: 'object', properties: {} } }))
  if (choice === 'none') tools = []
  else if (typeof choice === 'object') {
    // A named function: only that one is offered.
    tools = tools.filter((t) => t.name === choice.function.name)
    if (tools.length === 0) throw new ApiError(400, `tool_choice names "${choice.function.name}", which is not in tools.`, 'invalid_request_error', 'tool_choice')
  }
  const format = body.response_format
  const responseFormat: ResponseFormat | undefined =
    format?.type === 'json_object' ? { type: 'json' } : format?.type === 'json_schema' ? { type: 'jsonSchema', schema: format.json_schema.schema } : undefined
  if (responseFormat && tools.length) throw new ApiError(400, 'response_format cannot be combined with tools here: send one or the other.', 'invalid_request_error', 'response_format')
  const sampling: Sampling = {
    ...toSampling(body),
    ...(body.max_completion_tokens != null ? { maxTokens: body.max_completion_tokens } : {}),
    ...penalty(body),
  }
  return { systemPrompt: system.join('\n\n'), messages, tools, sampling, ...(responseFormat ? { responseFormat } : {}), stream: body.stream === true, includeUsage: body.stream_options?.include_usage === true }
}

/**
 * OpenAI's presence and frequency penalties have no exact twin in node-llama-cpp's chat (it has a repeat penalty
 * with a presence and a frequency part); a positive one becomes those parts, with no multiplicative penalty.
 */
function penalty(body: ChatCompletionBody): Pick<Sampling, 'repeatPenalty'> {
  const presence = Math.max(0, body.presence_penalty ?? 0)
  const frequency = Math.max(0, body.frequency_penalty ?? 0)
  const repeat = body.repeat_penalty ?? 1
  if (presence === 0 && frequency === 0 && repeat === 1) return {}
  return { repeatPenalty: { penalty: repeat, lastTokens: 64, ...(presence ? { presencePenalty: presence } : {}), ...(frequency ? { frequencyPenalty: frequency } : {}) } }
}
