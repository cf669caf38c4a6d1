import { describe, expect, it } from 'vitest'
import { recommendSettings } from '../../src/shared/recommendSettings'
import type { FitSettings } from '../../src/shared/types'

/** A machine model: each GPU layer costs 1 unit of VRAM, each 256 tokens cost 1 unit of RAM per sequence. */
const machine = (vram: number, ram: number) => async (s: FitSettings) => s.gpuLayers <= vram && (s.contextSize / 256) * s.sequences <= ram

describe('recommended settings', () => {
  it('puts as many layers on the GPU as fit, then the largest context', async () => {
    const r = await recommendSettings({ maxGpuLayers: 33, trainContextSize: 8192, sequences: 1, kvCacheType: 'F16' }, machine(20, 10))
    expect(r).toEqual({ gpuLayers: 20, contextSize: 2560, sequences: 1, kvCacheType: 'F16' })
  })
  it('gives each agent its own KV cache: more sequences, smaller context', async () => {
    const r = await recommendSettings({ maxGpuLayers: 0, trainContextSize: 8192, sequences: 4, kvCacheType: 'F16' }, machine(0, 8))
    expect(r?.contextSize).toBe(512)
  })
  it('never recommends more than the trained context', async () => {
    const r = await recommendSettings({ maxGpuLayers: 0, trainContextSize: 2048, sequences: 1, kvCacheType: 'F16' }, machine(0, 1000))
    expect(r?.contextSize).toBe(2048)
  })
  it('returns null when not even the smallest context fits', async () => {
    expect(await recommendSettings({ maxGpuLayers: 0, trainContextSize: 2048, sequences: 1, kvCacheType: 'F16' }, async () => false)).toBeNull()
  })
})
