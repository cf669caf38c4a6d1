import { describe, expect, it } from 'vitest'
import { THINKING_ANSWER, THINKING_TEXT } from '../../src/main/core/gguf-writer/makeThinkingModel'
import { getThinkingModelPath } from '../helpers/fixtures'
import { createTestCore, unwrap } from '../helpers/testCore'

/** A model that thinks before it answers (a thought segment, as Qwen3 and DeepSeek-R1 write them). */
describe('reasoning', () => {
  it('streams the thinking as its own events before the answer, and stores it as a Pi thinking block', async () => {
    const t = await createTestCore()
    try {
      unwrap(await t.core.request('model.load', { path: await getThinkingModelPath(), settings: { contextSize: 512, sequences: 1, gpuLayers: 0, kvCacheType: 'F16', threads: 2 } }))
      const { assistant } = unwrap(await t.core.request('chat.send', { text: 'hi' }))
      const streamed = t.events.flatMap((e) => (e.type === 'chat.reasoning' || e.type === 'chat.token' ? [[e.type, e.text] as const] : []))
      const reasoning = streamed.filter(([type]) => type === 'chat.reasoning').map(([, text]) => text).join('')
      const answer = streamed.filter(([type]) => type === 'chat.token').map(([, text]) => text).join('')
      expect(reasoning).toBe(THINKING_TEXT)
      expect(answer).toBe(THINKING_ANSWER)
      // All of the thinking came before any of the answer.
      expect(streamed.findIndex(([type]) => type === 'chat.token')).toBeGreaterThan(streamed.findLastIndex(([type]) => type === 'chat.reasoning'))
      expect(assistant).toMatchObject({ text: THINKING_ANSWER, thinking: THINKING_TEXT })
    } finally {
      await t.dispose()
    }
  }, 60_000)
})
