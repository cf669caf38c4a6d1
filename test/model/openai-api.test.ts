import { request as httpRequest } from 'node:http'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_ANSWER } from '../../src/main/core/gguf-writer/makeDemoModel'
import { ECHO_SCRIPT, toolScriptText } from '../../src/main/core/gguf-writer/makeToolCallingModel'
import type { LoadSettings } from '../../src/shared/types'
import { getDemoModelPath, getShapePath, getToolCallingModelPath } from '../helpers/fixtures'
import { createTestCore, unwrap, type TestCore } from '../helpers/testCore'

const settings: LoadSettings = { contextSize: 2048, sequences: 2, gpuLayers: 0, kvCacheType: 'F16', threads: 1 }
const words = (n: number, seed: string) => Array.from({ length: n }, (_, i) => `${seed}${i}`).join(' ')

/** The error a request is refused with; fails the test when it is answered. */
const refusal = (answer: Promise<unknown>) =>
  answer.then(
    () => {
      throw new Error('expected the request to be refused')
    },
    (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
  )

/** A raw HTTP request, for what the `openai` client never sends (a foreign Host, a huge body). */
function raw(url: string, options: { method?: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'POST', headers: options.headers }, (res) => {
      let body = ''
      res.on('data', (c: Buffer) => (body += c.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }))
    })
    req.on('error', reject)
    req.end(options.body)
  })
}

/** The real `openai` client against Arbor's server over a generated model: what every script and editor does. */
describe('the OpenAI-compatible API, through the openai client', () => {
  let t: TestCore
  let client: OpenAI
  let baseURL: string
  beforeAll(async () => {
    t = await createTestCore({ queueLimit: 1 })
    unwrap(await t.core.request('model.load', { path: await getDemoModelPath(), settings }))
    const status = await t.core.api.start({ port: 0 }, false)
    baseURL = status.baseUrl!
    client = new OpenAI({ baseURL, apiKey: 'unused', maxRetries: 0 })
  })
  afterAll(() => t.dispose())

  it('lists the loaded model by its file name, owned by arbor, with its context', async () => {
    const models = await client.models.list()
    expect(models.data.map((m) => m.id)).toEqual([expect.stringMatching(/^demo-[0-9a-f]{12}$/)])
    expect(models.data[0]).toMatchObject({ object: 'model', owned_by: 'arbor', context_length: 2048 })
  })

  it('answers a completion with the demo text, and streams the same text in chunks ending with usage', async () => {
    const model = (await client.models.list()).data[0]!.id
    const answer = await client.chat.completions.create({ model, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello' }], temperature: 0 })
    expect(answer.choices[0]!.message.content).toBe(DEMO_ANSWER)
    expect(answer.choices[0]!.finish_reason).toBe('stop')
    expect(answer.usage!.prompt_tokens).toBeGreaterThan(0)
    expect(answer.usage!.completion_tokens).toBeGreaterThan(0)
    const stream = await client.chat.completions.create({ model, messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }], stream: true, stream_options: { include_usage: true }, max_completion_tokens: 500 })
    const parts: string[] = []
    let usage: OpenAI.CompletionUsage | undefined
    let finish: string | null = null
    for await (const chunk of stream) {
      parts.push(chunk.choices[0]?.delta.content ?? '')
      finish = chunk.choices[0]?.finish_reason ?? finish
      usage = chunk.usage ?? usage
    }
    expect(parts.join('')).toBe(DEMO_ANSWER)
    expect(parts.filter(Boolean).length).toBeGreaterThan(3)
    expect(finish).toBe('stop')
    expect(usage!.completion_tokens).toBeGreaterThan(0)
  })

  it("reports honest cached tokens: a second request sharing a long prefix reuses it, a branch reuses up to where it parts", async () => {
    const system = `You are a coding agent. ${words(80, 'rule')}`
    const first = [{ role: 'system' as const, content: system }, { role: 'user' as const, content: `Question one: ${words(40, 'q')}` }]
    const a = await client.chat.completions.create({ model: 'any', messages: first, temperature: 0, max_tokens: 8 })
    const b = await client.chat.completions.create({ model: 'any', messages: [...first, { role: 'assistant', content: a.choices[0]!.message.content }, { role: 'user', content: 'And then?' }], temperature: 0, max_tokens: 8 })
    expect(b.usage!.prompt_tokens_details!.cached_tokens).toBeGreaterThan(a.usage!.prompt_tokens * 0.9)
    // A branch from the system prompt (a /tree jump back): the shared part is the system prompt and its framing.
    const c = await client.chat.completions.create({ model: 'any', messages: [{ role: 'system', content: system }, { role: 'user', content: 'Something else entirely.' }], temperature: 0, max_tokens: 8 })
    const cached = c.usage!.prompt_tokens_details!.cached_tokens!
    expect(cached).toBeGreaterThan(c.usage!.prompt_tokens * 0.7)
    expect(cached).toBeLessThan(c.usage!.prompt_tokens)
  })

  it("records a client's requests as a tree: a shared history is one path, a jump back is a branch, the user's session untouched", async () => {
    const before = unwrap(await t.core.request('app.snapshot', undefined)).session.nodes.length
    const user = 'pi-tree-test'
    const system = { role: 'system' as const, content: 'You are terse.' }
    const ask = async (messages: OpenAI.ChatCompletionMessageParam[]) => (await client.chat.completions.create({ model: 'any', messages: [system, ...messages], user, temperature: 0 })).choices[0]!.message.content!
    const first = { role: 'user' as const, content: 'First question' }
    const r1 = await ask([first])
    await ask([first, { role: 'assistant', content: r1 }, { role: 'user', content: 'Second question' }])
    // Pi's /tree back to the first answer, then another question: a branch there.
    await ask([first, { role: 'assistant', content: r1 }, { role: 'user', content: 'Another way' }])
    await expect.poll(() => t.events.some((e) => e.type === 'sessions.changed' && e.sessions.some((s) => s.path === t.core.api.recordingOf(user)))).toBe(true)
    // The reply is recorded after the client has it; its numbers are the line after it.
    await t.core.api.recorded()
    expect(unwrap(await t.core.request('app.snapshot', undefined)).session.nodes.length).toBe(before)
    const view = unwrap(await t.core.request('session.open', { path: t.core.api.recordingOf(user) }))
    const users = view.nodes.filter((n) => n.kind === 'user')
    expect(users.map((n) => n.text)).toEqual(['First question', 'Second question', 'Another way'])
    const answer1 = view.nodes.find((n) => n.kind === 'assistant' && n.parentId === users[0]!.id)!
    // Both later questions hang under the one stored first answer: the shared history was matched, not copied.
    expect(users.slice(1).map((n) => n.parentId)).toEqual([answer1.id, answer1.id])
    expect(view.nodes.filter((n) => n.kind === 'assistant')).toHaveLength(3)
    expect(view.systemPrompt).toBe('You are terse.')
    const branch = view.nodes.find((n) => n.kind === 'assistant' && n.parentId === users[2]!.id)!
    expect(branch.stats!.reusedTokens).toBeGreaterThan(0)
    expect(branch.stats!.promptTokens).toBeGreaterThan(branch.stats!.reusedTokens)
    // The same first question under another system prompt is another conversation: a tree of its own.
    await client.chat.completions.create({ model: 'any', messages: [{ role: 'system', content: 'You are verbose.' }, first], user, temperature: 0 })
    await expect
      .poll(async () => unwrap(await t.core.request('app.snapshot', undefined)).session.nodes.filter((n) => n.kind === 'user' && n.text === 'First question').length)
      .toBe(2)
    unwrap(await t.core.request('session.new', undefined))
  })

  it('writes JSON that matches a json_schema response format', async () => {
    const answer = await client.chat.completions.create({
      model: 'any',
      messages: [{ role: 'user', content: 'How do you feel?' }],
      temperature: 0,
      max_tokens: 100,
      response_format: { type: 'json_schema', json_schema: { name: 'mood', schema: { type: 'object', properties: { mood: { enum: ['happy', 'sad'] }, level: { type: 'integer' } }, required: ['mood', 'level'] } } },
    })
    // The demo model knows one sentence; the grammar makes even it answer in the schema.
    const parsed = JSON.parse(answer.choices[0]!.message.content!) as { mood: unknown; level: unknown }
    expect(['happy', 'sad']).toContain(parsed.mood)
    expect(Number.isInteger(parsed.level)).toBe(true)
  })

  it('two clients in parallel both get the answer', async () => {
    const hello = { model: 'any', messages: [{ role: 'user' as const, content: 'Hello' }], temperature: 0 }
    const [x, y] = await Promise.all([client.chat.completions.create(hello), client.chat.completions.create(hello)])
    expect([x.choices[0]!.message.content, y.choices[0]!.message.content]).toEqual([DEMO_ANSWER, DEMO_ANSWER])
  })

  it('answers what it cannot do with a 400 naming the field: n > 1, an image, a context overflow with its numbers', async () => {
    const bad = (body: object) => refusal(client.chat.completions.create({ model: 'any', ...body } as never))
    const n = await bad({ messages: [{ role: 'user', content: 'Hi' }], n: 2 })
    expect(n.status).toBe(400)
    expect(n.param).toBe('n')
    const image = await bad({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AA' } }] }] })
    expect(image.status).toBe(400)
    expect(image.message).toMatch(/reads text only/)
    const role = await bad({ messages: [{ role: 'wizard', content: 'Hi' }] })
    expect(role.status).toBe(400)
    expect(role.param).toBe('messages[0].role')
    const overflow = await bad({ messages: [{ role: 'user', content: words(3000, 'big') }] })
    expect(overflow.status).toBe(400)
    expect(overflow.code).toBe('context_length_exceeded')
    expect(overflow.message).toMatch(/This turn needs [\d,]+ prompt tokens; a 2,048-token context/)
  })

  it('refuses a foreign Host (DNS rebinding), an oversize body (413) and malformed JSON (400), and keeps serving', async () => {
    const url = `${baseURL}/chat/completions`
    const port = new URL(baseURL).port
    const foreign = await raw(url, { headers: { host: `evil.example:${port}`, 'content-type': 'application/json' }, body: '{}' })
    expect(foreign.status).toBe(421)
    const huge = await raw(url, { headers: { 'content-type': 'application/json', 'content-length': String(20 << 20) }, body: Buffer.alloc(1024) })
    expect(huge.status).toBe(413)
    const malformed = await raw(url, { headers: { 'content-type': 'application/json' }, body: '{"messages": [' })
    expect(malformed.status).toBe(400)
    expect(JSON.parse(malformed.body)).toMatchObject({ error: { code: 'invalid_json', type: 'invalid_request_error' } })
    expect((await client.models.list()).data).toHaveLength(1)
  })

  it('refuses web pages unless their origin is allowed (CORS), and then answers their preflight and requests', async () => {
    const url = `${baseURL}/models`
    const page = 'http://localhost:5173'
    const refused = await raw(url, { method: 'GET', headers: { origin: page } })
    expect(refused.status).toBe(403)
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'origin_not_allowed' } })
    // A simple cross-site POST (no preflight) is refused before any generation runs.
    const simple = await raw(`${baseURL}/chat/completions`, { headers: { origin: 'http://evil.example', 'content-type': 'text/plain' }, body: JSON.stringify({ messages: [{ role: 'user', content: 'Hi' }] }) })
    expect(simple.status).toBe(403)
    unwrap(await t.core.request('settings.set', { apiCorsOrigins: [page] }))
    try {
      const preflight = await raw(`${baseURL}/chat/completions`, { method: 'OPTIONS', headers: { origin: page, 'access-control-request-method': 'POST' } })
      expect(preflight.status).toBe(204)
      expect(preflight.headers['access-control-allow-origin']).toBe(page)
      const allowed = await raw(url, { method: 'GET', headers: { origin: page } })
      expect(allowed.status).toBe(200)
      expect(allowed.headers['access-control-allow-origin']).toBe(page)
    } finally {
      unwrap(await t.core.request('settings.set', { apiCorsOrigins: [] }))
    }
  })
})

/** A model that writes until its token limit (random weights): long generations, to fill the sequences and the queue. */
describe('the API under load', () => {
  let t: TestCore
  let client: OpenAI
  beforeAll(async () => {
    t = await createTestCore({ queueLimit: 1 })
    unwrap(await t.core.request('model.load', { path: await getShapePath('tiny'), settings }))
    client = new OpenAI({ baseURL: (await t.core.api.start({ port: 0 }, false)).baseUrl!, apiKey: 'unused', maxRetries: 0 })
  })
  afterAll(() => t.dispose())
  const long = { model: 'any', messages: [{ role: 'user' as const, content: 'Write.' }], temperature: 0, max_tokens: 400 }

  it('past the queue bound a request gets 429 with Retry-After, and the others finish', async () => {
    // Two sequences busy and one request waiting (queue limit 1): the next one is refused, not queued forever.
    const busy = Array.from({ length: 3 }, () => client.chat.completions.create(long))
    await expect.poll(() => t.core.runner.active, { timeout: 5000, interval: 10 }).toBe(3)
    const refused = await client.chat.completions.create(long).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError)
    expect((refused as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after')).toBe('2')
    const done = await Promise.all(busy)
    expect(done.every((d) => d.usage!.completion_tokens > 0)).toBe(true)
  })

  it('a client that goes away stops its generation within a second and frees its sequence', async () => {
    const controller = new AbortController()
    const stream = await client.chat.completions.create({ ...long, stream: true }, { signal: controller.signal })
    let chunks = 0
    await (async () => {
      for await (const _ of stream) if (++chunks === 5) controller.abort()
    })().catch(() => undefined)
    const since = performance.now()
    await expect.poll(() => t.core.runner.active, { timeout: 1000, interval: 10 }).toBe(0)
    expect(performance.now() - since).toBeLessThan(1000)
    expect(t.core.api.log.at(-1)).toMatchObject({ status: 499 })
    const next = await client.chat.completions.create({ ...long, max_tokens: 5 })
    expect(next.choices[0]!.finish_reason).toBe('length')
  })

  it('a generation Arbor stops (the model unloaded) is answered as an error, never as a finished answer', async () => {
    const pending = refusal(client.chat.completions.create(long))
    await expect.poll(() => t.core.runner.active, { timeout: 5000, interval: 10 }).toBe(1)
    unwrap(await t.core.request('model.unload', undefined))
    const refused = await pending
    expect(refused.status).toBe(503)
    expect(refused.code).toBe('model_unloading')
  })
})

/** `/v1/completions`: the prompt continued without a chat template, on the same sequences as the chat. */
describe('raw completions through the API', () => {
  let t: TestCore
  let client: OpenAI
  beforeAll(async () => {
    t = await createTestCore()
    unwrap(await t.core.request('model.load', { path: await getDemoModelPath(), settings: { ...settings, sequences: 1 } }))
    client = new OpenAI({ baseURL: (await t.core.api.start({ port: 0 }, false)).baseUrl!, apiKey: 'unused', maxRetries: 0 })
  })
  afterAll(() => t.dispose())

  it('continues the text (16 tokens unless asked), streams it, reuses a repeated prompt, and leaves the chat as it was', async () => {
    const prompt = `Once upon a time ${words(40, 'w')}`
    const first = await client.completions.create({ model: 'any', prompt, temperature: 0 })
    expect(first.object).toBe('text_completion')
    expect(first.usage!.completion_tokens).toBeLessThanOrEqual(16)
    // The demo model's one sentence, cut at 16 tokens.
    expect(first.choices[0]!.finish_reason).toBe('length')
    expect(first.choices[0]!.text.length).toBeGreaterThan(20)
    expect(DEMO_ANSWER.startsWith(first.choices[0]!.text)).toBe(true)
    const parts: string[] = []
    for await (const chunk of await client.completions.create({ model: 'any', prompt, temperature: 0, max_tokens: 40, stream: true })) parts.push(chunk.choices[0]?.text ?? '')
    expect(parts.join('').startsWith(first.choices[0]!.text)).toBe(true)
    const again = await client.completions.create({ model: 'any', prompt, temperature: 0, max_tokens: 4 })
    expect((again.usage as { prompt_tokens_details?: { cached_tokens?: number } }).prompt_tokens_details!.cached_tokens).toBeGreaterThan(again.usage!.prompt_tokens - 3)
    // The same sequence then answers a chat as before.
    const chat = await client.chat.completions.create({ model: 'any', messages: [{ role: 'user', content: 'Hello' }], temperature: 0 })
    expect(chat.choices[0]!.message.content).toBe(DEMO_ANSWER)
  })

  it('refuses n > 1 and echo with a 400 naming the field', async () => {
    expect((await refusal(client.completions.create({ model: 'any', prompt: 'x', n: 2 }))).param).toBe('n')
    expect((await refusal(client.completions.create({ model: 'any', prompt: 'x', echo: true }))).param).toBe('echo')
  })
})

describe('the API without a model, and with a key', () => {
  let t: TestCore
  beforeAll(async () => {
    t = await createTestCore()
  })
  afterAll(() => t.dispose())

  it('answers 503 while no model is loaded, and 401 without the key once one is set', async () => {
    const status = await t.core.api.start({ port: 0, apiKey: 'sekret-key' }, false)
    const withKey = new OpenAI({ baseURL: status.baseUrl!, apiKey: 'sekret-key', maxRetries: 0 })
    const noModel = await refusal(withKey.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'Hi' }] }))
    expect(noModel.status).toBe(503)
    expect(noModel.code).toBe('model_not_loaded')
    expect((await withKey.models.list()).data).toEqual([])
    const wrongKey = new OpenAI({ baseURL: status.baseUrl!, apiKey: 'guess', maxRetries: 0 })
    const refused = await wrongKey.models.list().catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(OpenAI.AuthenticationError)
  })

  it('will not listen beyond loopback without a key', async () => {
    await expect(t.core.api.start({ port: 0, host: '0.0.0.0', apiKey: null }, false)).rejects.toMatchObject({ code: 'BAD_REQUEST' })
  })
})

/** A full tool round in the shapes Pi sends: tools with `strict: false`, `content: null` with `tool_calls`, a `tool` result. */
describe('a tool round through the API', () => {
  let t: TestCore
  let client: OpenAI
  beforeAll(async () => {
    t = await createTestCore()
    unwrap(await t.core.request('model.load', { path: await getToolCallingModelPath(), settings: { ...settings, sequences: 1 } }))
    client = new OpenAI({ baseURL: (await t.core.api.start({ port: 0 }, false)).baseUrl!, apiKey: 'unused', maxRetries: 0 })
  })
  afterAll(() => t.dispose())
  const tools: OpenAI.ChatCompletionTool[] = [
    { type: 'function', function: { name: 'echo', description: 'Says the text back.', parameters: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] }, strict: false } },
  ]
  const ask: OpenAI.ChatCompletionMessageParam[] = [{ role: 'system', content: 'Use tools.' }, { role: 'user', content: [{ type: 'text', text: 'Say hi through echo.' }] }]

  it('the call comes back as tool_calls (streamed as a delta too), and the result is answered', async () => {
    const first = await client.chat.completions.create({ model: 'any', messages: ask, tools, temperature: 0, max_completion_tokens: 100 })
    const choice = first.choices[0]!
    expect(choice.finish_reason).toBe('tool_calls')
    expect(choice.message.content).toBeNull()
    const call = choice.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall
    expect(call.function.name).toBe('echo')
    expect(JSON.parse(call.function.arguments)).toEqual({ text: 'hi' })
    // Streamed: the same call as a tool_calls delta with an index, an id and the arguments as a JSON string.
    const stream = await client.chat.completions.create({ model: 'any', messages: ask, tools, temperature: 0, max_completion_tokens: 100, stream: true })
    const deltas: OpenAI.ChatCompletionChunk.Choice.Delta.ToolCall[] = []
    let finish: string | null = null
    for await (const chunk of stream) {
      deltas.push(...(chunk.choices[0]?.delta.tool_calls ?? []))
      finish = chunk.choices[0]?.finish_reason ?? finish
    }
    expect(finish).toBe('tool_calls')
    expect(deltas).toEqual([{ index: 0, id: expect.stringMatching(/^call_/), type: 'function', function: { name: 'echo', arguments: '{"text":"hi"}' } }])
    const answer = await client.chat.completions.create({
      model: 'any',
      tools,
      temperature: 0,
      max_completion_tokens: 100,
      messages: [...ask, { role: 'assistant', content: null, tool_calls: [call] }, { role: 'tool', tool_call_id: call.id, content: 'hi' }],
    })
    expect(answer.choices[0]!.message.content).toBe(toolScriptText(ECHO_SCRIPT.answer))
    expect(answer.choices[0]!.finish_reason).toBe('stop')
    // The history up to the call was in the sequence already: only the result and what follows were read.
    expect(answer.usage!.prompt_tokens_details!.cached_tokens).toBeGreaterThan(first.usage!.prompt_tokens - 10)
  })

  it('tool_choice "none" offers no tool, and a named function that is not offered is a 400', async () => {
    const none = await client.chat.completions.create({ model: 'any', messages: ask, tools, tool_choice: 'none', temperature: 0, max_completion_tokens: 20 })
    expect(none.choices[0]!.message.tool_calls).toBeUndefined()
    const named = await refusal(client.chat.completions.create({ model: 'any', messages: ask, tools, tool_choice: { type: 'function', function: { name: 'nope' } } }))
    expect(named.status).toBe(400)
    expect(named.param).toBe('tool_choice')
  })
})
