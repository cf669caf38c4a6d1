import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LoadSettings } from '../../src/shared/types'
import { getDemoModelPath } from '../helpers/fixtures'
import { rng } from '../helpers/random'
import { createTestCore, unwrap, type TestCore } from '../helpers/testCore'

const settings: LoadSettings = { contextSize: 1024, sequences: 1, gpuLayers: 0, kvCacheType: 'F16', threads: 1 }

const WEIRD: unknown[] = [null, true, -1, 0, 1e308, -1e308, 2 ** 53, 0.5, '', 'x'.repeat(5000), '\u0000', [], [[]], {}, { a: { b: { c: [] } } }, 'user', 'tool', NaN]

const valid = () => ({
  model: 'any',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: [{ type: 'text', text: 'Hello' }] },
    { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'echo', arguments: '{"text":"hi"}' } }] },
    { role: 'tool', tool_call_id: 'c1', content: 'hi' },
  ],
  tools: [{ type: 'function', function: { name: 'echo', description: 'Echo', parameters: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] } } }],
  max_tokens: 4,
  temperature: 0,
  stream: false,
})

/** Every path to a value in a JSON tree. */
function paths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [at]
  const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value)
  return [at, ...keys.flatMap((k) => paths((value as Record<string | number, unknown>)[k], [...at, k]))]
}

/** The valid body with 1–3 values replaced by odd ones, or removed. */
function mutant(index: number): unknown {
  const random = rng(7_000_003 + index)
  const body = valid() as Record<string, unknown>
  const count = 1 + Math.floor(random() * 3)
  for (let i = 0; i < count; i++) {
    const all = paths(body).filter((p) => p.length > 0)
    const path = all[Math.floor(random() * all.length)]!
    let parent: Record<string | number, unknown> = body
    for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>
    const last = path.at(-1)!
    if (random() < 0.2) delete parent[last]
    else parent[last] = WEIRD[Math.floor(random() * WEIRD.length)]
  }
  return body
}

/**
 * Whatever a client sends to the API, the server answers it (a completion or an OpenAI-shaped error with a 4xx or
 * 503 status, never a 500 for a bad request) and goes on serving: 400 mutants of a valid tool-round request.
 */
describe('the API under malformed requests', () => {
  let t: TestCore
  let base: string
  beforeAll(async () => {
    t = await createTestCore()
    unwrap(await t.core.request('model.load', { path: await getDemoModelPath(), settings }))
    base = (await t.core.api.start({ port: 0 }, false)).baseUrl!
  })
  afterAll(() => t.dispose())

  it('answers 400 mutants of a valid request with a completion or a clear error, and keeps serving', async () => {
    const outcomes: Record<string, number> = {}
    for (let i = 0; i < 400; i++) {
      const body = mutant(i)
      const res = await fetch(`${base}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      const text = await res.text()
      outcomes[res.status] = (outcomes[res.status] ?? 0) + 1
      if (res.status === 200) {
        // A mutant may still be valid (a changed temperature, a stream switched on).
        expect(text.startsWith('data: ') || 'choices' in (JSON.parse(text) as object), `case ${i}`).toBe(true)
        continue
      }
      expect([400, 413], `case ${i}: ${res.status} ${text.slice(0, 300)} for ${JSON.stringify(body).slice(0, 300)}`).toContain(res.status)
      const error = (JSON.parse(text) as { error: { message: string; type: string } }).error
      expect(error.message.length, `case ${i}`).toBeGreaterThan(0)
      expect(error.type).toBe('invalid_request_error')
    }
    expect(outcomes[400]).toBeGreaterThan(100)
    expect(outcomes[200]).toBeGreaterThan(10)
    const models = await fetch(`${base}/models`)
    expect(models.status).toBe(200)
  }, 300_000)
})
