import { describe, expect, it } from 'vitest'
import { judgeFit, napkinEstimate } from '../../src/shared/fit'
import { kvCacheBytes } from '../../src/shared/kvCache'
import type { FitSettings, MemoryEstimate } from '../../src/shared/types'

const GiB = 1024 ** 3
const estimate = (ram: number, vram: number, kv = 0): MemoryEstimate => ({
  ramBytes: ram,
  vramBytes: vram,
  weights: { ramBytes: ram - kv, vramBytes: vram },
  kvCache: { ramBytes: kv, vramBytes: 0 },
  compute: { ramBytes: 0, vramBytes: 0 },
  overhead: { ramBytes: 0, vramBytes: 0 },
})
const settings = (gpuLayers: number): FitSettings => ({ contextSize: 4096, sequences: 1, gpuLayers, kvCacheType: 'F16' })

describe('fit verdict', () => {
  const gpu = { hasGpu: true, ramAvailableBytes: 16 * GiB, vramAvailableBytes: 8 * GiB }
  it('says fits on GPU when every layer is offloaded', () => {
    expect(judgeFit(estimate(1 * GiB, 6 * GiB), settings(33), 33, gpu).verdict).toBe('gpu')
  })
  it('says partly offloaded for some layers', () => {
    const fit = judgeFit(estimate(3 * GiB, 6 * GiB), settings(20), 33, gpu)
    expect(fit.verdict).toBe('partial')
    expect(fit.summary).toContain('20 of 33')
  })
  it('says RAM only with no GPU layers, and on a CPU-only machine', () => {
    expect(judgeFit(estimate(3 * GiB, 0), settings(0), 33, gpu).verdict).toBe('ram')
    const cpu = { hasGpu: false, ramAvailableBytes: 16 * GiB, vramAvailableBytes: 0 }
    expect(judgeFit(estimate(3 * GiB, 0), settings(33), 0, cpu).verdict).toBe('ram')
  })
  it('says does not fit, naming the memory that is short', () => {
    const vram = judgeFit(estimate(1 * GiB, 9 * GiB), settings(33), 33, gpu)
    expect(vram.verdict).toBe('none')
    expect(vram.summary).toContain('VRAM')
    const ram = judgeFit(estimate(17 * GiB, 0), settings(0), 33, gpu)
    expect(ram.verdict).toBe('none')
    expect(ram.summary).toContain('RAM')
  })
})

describe('KV cache size', () => {
  const llama8b = { layers: 32, embeddingSize: 4096, headCount: 32, headCountKv: 8 }
  it('matches llama.cpp for a GQA model (Llama 3 8B: 128 KiB per token at F16)', () => {
    expect(kvCacheBytes(llama8b, 1, 1, 'F16')).toBe(128 * 1024)
    expect(kvCacheBytes(llama8b, 8192, 1, 'F16')).toBe(1024 ** 3)
  })
  it('grows with context × sequences and shrinks with a quantized cache', () => {
    expect(kvCacheBytes(llama8b, 4096, 4, 'F16')).toBe(4 * kvCacheBytes(llama8b, 4096, 1, 'F16'))
    expect(kvCacheBytes(llama8b, 4096, 1, 'Q8_0')).toBeCloseTo(kvCacheBytes(llama8b, 4096, 1, 'F16') * (34 / 64))
  })
  it('treats a model without GQA as one KV head per query head', () => {
    const mha = { layers: 2, embeddingSize: 128, headCount: 4, headCountKv: 4 }
    expect(kvCacheBytes(mha, 10, 1, 'F32')).toBe(2 * 10 * (128 + 128) * 4)
  })
})

describe('napkin formula', () => {
  it('is params × bytes per param × 1.4 and reports its error against the estimate', () => {
    const n = napkinEstimate(1e9, 8.5, estimate(2 * GiB, 0, 1 * GiB), settings(0))
    expect(n.bytes).toBeCloseTo(1e9 * (8.5 / 8) * 1.4)
    expect(n.errorVsEstimate).toBeCloseTo((n.bytes - 2 * GiB) / (2 * GiB))
    expect(n.explanation).toContain('50%')
  })
})
