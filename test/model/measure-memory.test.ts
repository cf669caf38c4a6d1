import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FitSettings } from '../../src/shared/types'
import { getShapePath } from '../helpers/fixtures'
import { measureInFreshProcess } from '../helpers/measureInFreshProcess'
import { createTestCore, unwrap, type TestCore } from '../helpers/testCore'

/**
 * The estimate against memory really taken after every KV cell is written (RSS growth of a
 * fresh process). The test bound is 10%; the benchmark tracks the error against the 5% goal.
 */
describe('estimated vs measured memory', () => {
  let t: TestCore
  beforeAll(async () => {
    t = await createTestCore()
  })
  afterAll(() => t.dispose())

  const check = async (path: string, settings: FitSettings) => {
    const report = unwrap(await t.core.request('model.estimate', { path, settings }))
    const measured = await measureInFreshProcess(path, { ...settings, threads: 2 })
    // The CLI's estimate is the same one the app shows.
    expect(measured.estimateRamBytes).toBe(report.estimate.ramBytes)
    const error = (report.estimate.ramBytes - measured.ramBytes) / measured.ramBytes
    return { error, report, measured }
  }

  it('is within 10% for a ~1B-parameter Q8_0 model at full context', async () => {
    const path = await getShapePath('oneB')
    const { error, report, measured } = await check(path, { contextSize: 512, sequences: 1, gpuLayers: 0, kvCacheType: 'F16' })
    expect(measured.filledTokens).toBe(511)
    expect(report.estimate.weights.ramBytes).toBeGreaterThan(1e9)
    expect(Math.abs(error)).toBeLessThan(0.1)
  }, 600_000)

  it('counts what four agents add: four KV caches, within a quarter of what a fresh process measures', async () => {
    const path = await getShapePath('small')
    const settings: FitSettings = { contextSize: 2048, sequences: 4, gpuLayers: 0, kvCacheType: 'F16' }
    const four = unwrap(await t.core.request('model.estimate', { path, settings }))
    const one = unwrap(await t.core.request('model.estimate', { path, settings: { ...settings, sequences: 1 } }))
    expect(four.estimate.kvCache.ramBytes).toBe(4 * one.estimate.kvCache.ramBytes)
    // Measured, the least of three fresh processes. Identical fills of this 25M-parameter model measured 135 to
    // 196 MiB (allocator and V8 noise on a process this small): the bound here catches an estimate that forgets
    // the agents (45% low), and the 5% goal is tracked by `npm run bench` on shapes where the noise is small.
    const runs = []
    for (let i = 0; i < 3; i++) runs.push(await measureInFreshProcess(path, { ...settings, threads: 2 }))
    expect(runs.every((r) => r.filledTokens === 4 * 2047)).toBe(true)
    const least = Math.min(...runs.map((r) => r.ramBytes))
    expect(Math.abs((four.estimate.ramBytes - least) / least)).toBeLessThan(0.25)
  }, 300_000)
})
