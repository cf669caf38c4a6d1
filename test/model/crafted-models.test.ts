import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildLlamaSpec } from '../../src/main/core/gguf-writer/makeLlamaModel'
import { shapes } from '../../src/main/core/gguf-writer/shapes'
import { writeGguf } from '../../src/main/core/gguf-writer/writeGguf'
import { probeModelFile } from '../../src/main/core/engine/probe/probeModel'
import { writeCraftedModels, type CraftedModel } from '../helpers/craftedGguf'
import { getShapePath } from '../helpers/fixtures'
import { codeOf, createTestCore, unwrap, type TestCore } from '../helpers/testCore'

const settings = { contextSize: 256, sequences: 1, gpuLayers: 0, kvCacheType: 'F16' as const, threads: 1 }

/**
 * Files made to stop llama.cpp (each aborted or froze a process that examined or loaded it): dropped, estimated
 * or loaded, each gives a coded error with the reason, and this process (the core) keeps answering.
 */
describe('model files crafted to crash llama.cpp', () => {
  let t: TestCore
  let crafted: CraftedModel[]

  beforeAll(async () => {
    t = await createTestCore({ probe: { timeoutMs: 4000, passedFolder: null } })
    crafted = await writeCraftedModels(t.modelsFolder)
  }, 60_000)
  afterAll(() => t?.dispose())

  it('each is refused with a stable code and why, when dropped (inspect), estimated and loaded', async () => {
    const outcomes: Record<string, string> = {}
    for (const model of crafted) {
      for (const answer of [
        await t.core.request('model.inspect', { path: model.path }),
        await t.core.request('model.estimate', { path: model.path }),
        await t.core.request('model.load', { path: model.path, settings }),
      ]) {
        outcomes[model.name] = codeOf(answer)
        expect(codeOf(answer), model.name).toBe(model.code)
        expect(!answer.ok && answer.error.message, model.name).toMatch(model.reason)
      }
    }
    expect(Object.keys(outcomes)).toHaveLength(crafted.length)
  }, 120_000)

  it('the core still loads and runs a good model afterwards', async () => {
    const loaded = unwrap(await t.core.request('model.load', { path: await getShapePath('tiny'), settings }))
    expect(loaded.facts.layers).toBe(shapes.tiny.nLayer)
    expect(loaded.facts.warnings.join(' ')).not.toMatch(/separate process/)
  }, 60_000)
})

describe('a header that claims a huge trained context', () => {
  it('is estimated and recommended within what Arbor plans (4,194,304 tokens), without asking llama.cpp for more', async () => {
    const t = await createTestCore()
    try {
      const path = join(t.modelsFolder, 'context-2e8.gguf')
      await writeGguf(path, buildLlamaSpec(shapes.tiny, { metadata: [{ key: 'llama.context_length', type: 'uint32', value: 1 << 28 }] }))
      const report = unwrap(await t.core.request('model.estimate', { path }))
      expect(report.settings.contextSize).toBeLessThanOrEqual(1 << 22)
      expect(report.recommended?.contextSize ?? 0).toBeLessThanOrEqual(1 << 22)
    } finally {
      await t.dispose()
    }
  }, 120_000)
})

describe('a load llama.cpp refuses', () => {
  it('says what llama.cpp logged (here: the missing tensor), not only "Failed to load model"', async () => {
    // The probe would refuse this file first; without it, the load itself must explain.
    const t = await createTestCore({ probe: false })
    try {
      const spec = buildLlamaSpec(shapes.tiny)
      const path = join(t.modelsFolder, 'missing-tensor.gguf')
      await writeGguf(path, { ...spec, tensors: spec.tensors.filter((tensor) => tensor.name !== 'blk.3.ffn_down.weight') })
      const answer = await t.core.request('model.load', { path, settings })
      expect(codeOf(answer)).toBe('LOAD_FAILED')
      expect(!answer.ok && answer.error.message).toMatch(/llama\.cpp: .*blk\.3\.ffn_down\.weight/)
    } finally {
      await t.dispose()
    }
  }, 60_000)
})

describe('when the probe itself cannot run', () => {
  it('the file is not refused for it: its facts carry a warning that it was not examined apart', async () => {
    const path = await getShapePath('tiny')
    const result = await probeModelFile(path, `missing-script-${Date.now()}`, { script: join(import.meta.dirname, 'no-such-probe.mjs'), passedFolder: null })
    expect(result.warnings.join(' ')).toMatch(/could not examine this file in a separate process/)
  }, 30_000)
})

