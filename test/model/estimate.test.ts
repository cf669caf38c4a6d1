import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { estimateParams } from '../../src/main/core/gguf-writer/makeLlamaModel'
import { shapes } from '../../src/main/core/gguf-writer/shapes'
import { getShapePath } from '../helpers/fixtures'
import { createTestCore, unwrap, type TestCore } from '../helpers/testCore'

describe('header facts and estimates', () => {
  let t: TestCore
  beforeAll(async () => {
    t = await createTestCore()
  })
  afterAll(() => t.dispose())

  it('reads what a GQA model is from its header', async () => {
    const path = await getShapePath('gqa')
    const facts = unwrap(await t.core.request('model.inspect', { path }))
    expect(facts).toMatchObject({
      architecture: 'llama',
      layers: shapes.gqa.nLayer,
      embeddingSize: shapes.gqa.nEmbd,
      headCount: shapes.gqa.nHead,
      headCountKv: shapes.gqa.nHeadKv,
      vocabSize: shapes.gqa.vocabSize,
      trainContextSize: shapes.gqa.nCtxTrain,
      fileType: 'Q8_0',
      hasChatTemplate: true,
    })
    expect(facts.parameters).toBe(estimateParams(shapes.gqa))
    expect(facts.bitsPerWeight).toBeGreaterThan(8)
    expect(facts.bitsPerWeight).toBeLessThan(9.5)
    expect(facts.inspectMs).toBeGreaterThan(0)
  })

  it('counts tied embeddings once', async () => {
    const facts = unwrap(await t.core.request('model.inspect', { path: await getShapePath('tied') }))
    expect(facts.parameters).toBe(estimateParams(shapes.tied))
    expect(facts.bitsPerWeight).toBeCloseTo(16, 0)
  })

  it('grows the KV cache with context size and with agents, and not the weights', async () => {
    const path = await getShapePath('small')
    const at = async (contextSize: number, sequences: number) =>
      unwrap(await t.core.request('model.estimate', { path, settings: { contextSize, sequences, gpuLayers: 0, kvCacheType: 'F16' } })).estimate
    const a = await at(1024, 1)
    const b = await at(2048, 1)
    const c = await at(1024, 4)
    // small: 6 layers × 512 wide × (K + V) × 2 bytes = 12 KiB per token.
    expect(a.kvCache.ramBytes).toBe(1024 * 12 * 1024)
    expect(b.kvCache.ramBytes).toBe(2 * a.kvCache.ramBytes)
    expect(c.kvCache.ramBytes).toBe(4 * a.kvCache.ramBytes)
    expect(b.weights).toEqual(a.weights)
    expect(b.ramBytes).toBeGreaterThan(a.ramBytes)
  })

  it('defaults to a recommended configuration that fits, and never a context that does not', async () => {
    const path = await getShapePath('small')
    const report = unwrap(await t.core.request('model.estimate', { path }))
    expect(report.recommended).not.toBeNull()
    expect(report.settings.contextSize).toBe(report.recommended!.contextSize)
    expect(report.fit.verdict).not.toBe('none')
    expect(report.settings.contextSize).toBeLessThanOrEqual(shapes.small.nCtxTrain)
  })

  it('shows the napkin formula beside the estimate', async () => {
    const path = await getShapePath('small')
    const report = unwrap(await t.core.request('model.estimate', { path, settings: { contextSize: 4096, sequences: 4 } }))
    expect(report.napkin.bytes).toBeCloseTo(report.napkin.bytesPerParameter * estimateParams(shapes.small) * 1.4, -2)
    // With a long context and four agents the KV cache dominates, which the napkin formula cannot see.
    expect(report.napkin.errorVsEstimate).toBeLessThan(-0.3)
  })
})

describe('fit against a memory budget', () => {
  let t: TestCore
  beforeAll(async () => {
    t = await createTestCore({ ramBudgetBytes: 128 * 1024 * 1024 })
  })
  afterAll(() => t.dispose())

  it('says does not fit when the estimate exceeds the budget, and recommends a smaller context', async () => {
    const path = await getShapePath('small')
    const big = unwrap(await t.core.request('model.estimate', { path, settings: { contextSize: 4096, sequences: 8 } }))
    expect(big.fit.verdict).toBe('none')
    expect(big.fit.ramAvailableBytes).toBe(128 * 1024 * 1024)
    expect(big.recommended).not.toBeNull()
    expect(big.recommended!.contextSize).toBeLessThan(4096)
    const recommended = unwrap(await t.core.request('model.estimate', { path, settings: big.recommended! }))
    expect(recommended.fit.verdict).toBe('ram')
  })

  it('recommends nothing when not even the smallest context fits the agents', async () => {
    const path = await getShapePath('small')
    const report = unwrap(await t.core.request('model.estimate', { path, settings: { contextSize: 256, sequences: 64 } }))
    expect(report.fit.verdict).toBe('none')
    expect(report.recommended).toBeNull()
  })
})
