import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LoadSettings } from '../../src/shared/types'
import { getDemoModelPath } from '../helpers/fixtures'
import { createTestCore, unwrap, type TestCore } from '../helpers/testCore'

/** Several sequences keep several branches warm: moving between them re-evaluates only what differs. */
describe('KV cache reuse across branches', () => {
  let t: TestCore
  const settings: LoadSettings = { contextSize: 2048, sequences: 2, gpuLayers: 0, kvCacheType: 'F16', threads: 1 }
  beforeAll(async () => {
    t = await createTestCore()
    unwrap(await t.core.request('model.load', { path: await getDemoModelPath(), settings }))
    unwrap(await t.core.request('session.new', undefined))
  })
  afterAll(() => t.dispose())

  it('after A → B → A with a long shared prefix, returning to A evaluates only the new message', async () => {
    const longQuestion = 'Please read this long shared question about trees and their branches. '.repeat(12)
    const shared = unwrap(await t.core.request('chat.send', { text: longQuestion }))
    const prefixTokens = shared.assistant.stats!.promptTokens
    expect(prefixTokens).toBeGreaterThan(300)

    // Branch A, then branch B from the same shared answer.
    const a = unwrap(await t.core.request('chat.send', { text: 'Branch A question', parentId: shared.assistant.id }))
    const b = unwrap(await t.core.request('chat.send', { text: 'Branch B question', parentId: shared.assistant.id }))
    // Switching to B did not re-evaluate the shared prefix either.
    expect(b.assistant.stats!.reusedTokens).toBeGreaterThanOrEqual(prefixTokens)

    // Back to A: its whole path is still in a sequence; only the new message is evaluated.
    const newMessage = 'And one more on A'
    const back = unwrap(await t.core.request('chat.send', { text: newMessage, parentId: a.assistant.id }))
    const s = back.assistant.stats!
    expect(s.reusedTokens).toBeGreaterThanOrEqual(a.assistant.stats!.promptTokens)
    expect(s.evaluatedTokens).toBeLessThan(40)
    expect(s.promptTokens).toBe(s.reusedTokens + s.evaluatedTokens)
  })

  it('with a single sequence the same moves re-evaluate the abandoned branch (the cost Arbor avoids)', async () => {
    unwrap(await t.core.request('model.load', { path: await getDemoModelPath(), settings: { ...settings, sequences: 1 } }))
    unwrap(await t.core.request('session.new', undefined))
    const shared = unwrap(await t.core.request('chat.send', { text: 'A shared question about roots. '.repeat(12) }))
    const a = unwrap(await t.core.request('chat.send', { text: 'Branch A question', parentId: shared.assistant.id }))
    unwrap(await t.core.request('chat.send', { text: 'Branch B question', parentId: shared.assistant.id }))
    const back = unwrap(await t.core.request('chat.send', { text: 'And one more on A', parentId: a.assistant.id }))
    // A's own question and answer had to be evaluated again.
    expect(back.assistant.stats!.evaluatedTokens).toBeGreaterThan(40)
  })
})
