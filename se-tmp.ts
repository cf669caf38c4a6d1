import { createTestCore, unwrap } from './test/helpers/testCore'
import { getShapePath } from './test/helpers/fixtures'
import { benchmarkEvaluation } from './src/main/core/engine/benchmarkEvaluation'
import { getArborLlama } from './src/main/core/engine/getArborLlama'
for (const shape of ['tiny', 'small'] as const) {
  const path = await getShapePath(shape)
  const t = await createTestCore()
  unwrap(await t.core.request('model.load', { path, settings: { contextSize: 2048, sequences: 1, gpuLayers: 0, kvCacheType: 'F16', threads: 1 } }))
  for (let i = 0; i < 3; i++) {
    await t.core.request('session.new', undefined)
    const r = unwrap(await t.core.request('chat.send', { text: `Repeat ${i}: tell me about trees.`, maxTokens: 200 }))
    const raw = await benchmarkEvaluation(await getArborLlama(), path, [1], { promptTokens: 128, generateTokens: 200 })
    console.log(shape, 'chat tg', r.assistant.stats!.tokensPerSecond.toFixed(0), r.assistant.stats!.generatedTokens, 'raw tg', raw[0]!.generationTokensPerSecond.toFixed(0))
  }
  await t.dispose()
}
