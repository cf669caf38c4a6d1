import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getShapePath } from '../helpers/fixtures'
import { createTestCore, unwrap, type TestCore } from '../helpers/testCore'

/** A model that never says it is done must still stop, with its answer kept, when the context is full. */
describe('an answer that would overflow the context', () => {
  let t: TestCore
  beforeAll(async () => {
    t = await createTestCore()
    const settings = { contextSize: 512, sequences: 1, gpuLayers: 0, kvCacheType: 'F16' as const, threads: 1 }
    unwrap(await t.core.request('model.load', { path: await getShapePath('tiny'), settings }))
  })
  afterAll(() => t.dispose())

  it('stops at the context limit with stop reason maxTokens, not an error', async () => {
    // This random-weight model rambles for ~900 tokens on this prompt (see the Stop e2e test).
    const { assistant } = unwrap(await t.core.request('chat.send', { text: 'Keep talking.' }))
    const s = assistant.stats!
    expect(s.stopReason).toBe('maxTokens')
    expect(s.promptTokens + s.generatedTokens).toBeLessThanOrEqual(512)
    expect(assistant.text.length).toBeGreaterThan(0)
  })
})
