import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_ANSWER } from '../../src/main/core/gguf-writer/makeDemoModel'
import { DEFAULT_SAMPLING } from '../../src/shared/sampling'
import { getDemoModelPath, getShapePath } from '../helpers/fixtures'
import { createTestCore, unwrap, type TestCore } from '../helpers/testCore'

const settings = { contextSize: 512, sequences: 1, gpuLayers: 0, kvCacheType: 'F16' as const, threads: 1 }

/** Sampling: regenerated siblings differ, a fixed seed repeats, and each turn stores how it was sampled. */
describe('sampling', () => {
  let t: TestCore
  beforeAll(async () => {
    t = await createTestCore()
    unwrap(await t.core.request('model.load', { path: await getShapePath('tiny'), settings }))
  }, 60_000)
  afterAll(() => t.dispose())

  it('on a random-weights model: a new seed gives a different sibling, the same seed the same text; the seed is stored', async () => {
    const sampling = { ...DEFAULT_SAMPLING, maxTokens: 12 }
    const first = unwrap(await t.core.request('chat.send', { text: 'Tell me a story.', sampling: { ...sampling, seed: 42 } })).assistant
    expect(first.stats?.sampling).toMatchObject({ seed: 42, temperature: 0.8, topK: 40, topP: 0.95, minP: 0.05 })
    const again = unwrap(await t.core.request('chat.regenerate', { nodeId: first.id, sampling: { ...sampling, seed: 42 } })).assistant
    expect(again.text).toBe(first.text)
    const other = unwrap(await t.core.request('chat.regenerate', { nodeId: first.id, sampling })).assistant
    expect(other.stats?.sampling?.seed).toEqual(expect.any(Number))
    expect(other.stats!.sampling!.seed).not.toBe(42)
    expect(other.text).not.toBe(first.text)
    expect(other.parentId).toBe(first.parentId)
  }, 60_000)

  it('without sampling (API clients, the CLI) it stays greedy, and says so', async () => {
    const a = unwrap(await t.core.request('chat.send', { text: 'Same?', maxTokens: 8 })).assistant
    const b = unwrap(await t.core.request('chat.regenerate', { nodeId: a.id, maxTokens: 8 })).assistant
    expect(b.text).toBe(a.text)
    expect(a.stats?.sampling).toMatchObject({ temperature: 0, maxTokens: 8 })
  }, 60_000)

  it('the demo model still answers its sentence under the default sampling', async () => {
    unwrap(await t.core.request('model.load', { path: await getDemoModelPath(), settings }))
    const { assistant } = unwrap(await t.core.request('chat.send', { text: 'Hi', sampling: DEFAULT_SAMPLING }))
    expect(assistant.text).toBe(DEMO_ANSWER)
  }, 60_000)
})
