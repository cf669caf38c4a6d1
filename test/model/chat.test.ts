import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_ANSWER } from '../../src/main/core/gguf-writer/makeDemoModel'
import type { LoadSettings } from '../../src/shared/types'
import { emptyCallContext } from '../../src/main/core/extensions/emptyCallContext'
import type { TurnEvent } from '../../src/main/core/turns/TurnRunner'
import { getDemoModelPath } from '../helpers/fixtures'
import { codeOf, createTestCore, unwrap, type TestCore } from '../helpers/testCore'

const settings: LoadSettings = { contextSize: 1024, sequences: 1, gpuLayers: 0, kvCacheType: 'F16', threads: 2 }

describe('chat with the demo model', () => {
  let t: TestCore
  beforeAll(async () => {
    t = await createTestCore()
    unwrap(await t.core.request('model.load', { path: await getDemoModelPath(), settings }))
  })
  afterAll(() => t.dispose())

  it('streams the fixed answer at temperature 0, with per-message numbers', async () => {
    t.events.length = 0
    const { user, assistant } = unwrap(await t.core.request('chat.send', { text: 'Who are you?' }))
    expect(assistant.text).toBe(DEMO_ANSWER)
    expect(assistant.parentId).toBe(user.id)
    // The reply streams under a pending id, then lands in the session under its entry id.
    const start = t.events.find((e) => e.type === 'chat.turnStart')
    const pendingId = start?.type === 'chat.turnStart' ? start.assistant.id : ''
    expect(start).toMatchObject({ user: { id: user.id } })
    const streamed = t.events.flatMap((e) => (e.type === 'chat.token' && e.nodeId === pendingId ? [e.text] : []))
    expect(streamed.length).toBeGreaterThan(5)
    expect(streamed.join('')).toBe(DEMO_ANSWER)
    expect(t.events.find((e) => e.type === 'chat.turnEnd')).toMatchObject({ node: { id: assistant.id, text: DEMO_ANSWER } })
    const s = assistant.stats!
    expect(s.stopReason).toBe('eos')
    expect(s.generatedTokens).toBeGreaterThan(5)
    // A fresh context evaluates the whole prompt.
    expect(s.reusedTokens).toBe(0)
    expect(s.evaluatedTokens).toBe(s.promptTokens)
    expect(s.contextSize).toBe(1024)
    expect(s.threads).toBe(2)
    expect(s.timeToFirstTokenMs).toBeGreaterThan(0)
    expect(s.tokensPerSecond).toBeGreaterThan(0)
  })

  it('re-evaluates only the new message on the next turn', async () => {
    const first = unwrap(await t.core.request('session.new', undefined))
    expect(first.nodes).toEqual([])
    const a = unwrap(await t.core.request('chat.send', { text: 'Tell me about trees.' })).assistant.stats!
    const b = unwrap(await t.core.request('chat.send', { text: 'And about roots?' })).assistant.stats!
    expect(b.promptTokens).toBeGreaterThan(a.promptTokens)
    // The first turn's prompt and answer stay in the KV cache; only the new message is evaluated.
    expect(b.reusedTokens).toBeGreaterThanOrEqual(a.promptTokens)
    expect(b.evaluatedTokens).toBe(b.promptTokens - b.reusedTokens)
    expect(b.evaluatedTokens).toBeLessThan(b.promptTokens - a.promptTokens + 10)
  })

  it('is deterministic: the same path gives the same answer twice', async () => {
    await t.core.request('session.new', undefined)
    const one = unwrap(await t.core.request('chat.send', { text: 'hello' })).assistant.text
    await t.core.request('session.new', undefined)
    const two = unwrap(await t.core.request('chat.send', { text: 'hello' })).assistant.text
    expect(two).toBe(one)
  })

  it('stops mid-generation, keeping what was written', async () => {
    await t.core.request('session.new', undefined)
    let tokens = 0
    const off = t.core.on((e) => {
      if (e.type === 'chat.token' && ++tokens === 3) void t.core.request('chat.stop', undefined)
    })
    const { assistant } = unwrap(await t.core.request('chat.send', { text: 'Say it all.' }))
    off()
    expect(assistant.stats!.stopReason).toBe('stopped')
    expect(assistant.text.length).toBeGreaterThan(0)
    expect(assistant.text.length).toBeLessThan(DEMO_ANSWER.length)
    expect(DEMO_ANSWER.startsWith(assistant.text)).toBe(true)
  })

  it('refuses a second message while one is being written', async () => {
    const running = t.core.request('chat.send', { text: 'one' })
    expect(codeOf(await t.core.request('chat.send', { text: 'two' }))).toBe('GENERATION_IN_PROGRESS')
    unwrap(await running)
  })

  it('reports how far a long prompt has been read, and answers the same', async () => {
    const events: TurnEvent[] = []
    const long = 'Read all of this before you answer, every word of it. '.repeat(25)
    for await (const event of t.core.runner.run({ systemPrompt: 'Be brief.', messages: [{ role: 'user', text: long }], callContext: () => emptyCallContext() }))
      events.push(event)
    const progress = events.flatMap((e) => (e.type === 'promptProgress' ? [e] : []))
    const reply = events.find((e) => e.type === 'reply')
    if (reply?.type !== 'reply') throw new Error('no reply')
    const { stats, text } = reply.end
    expect(stats.promptTokens).toBeGreaterThan(560)
    expect(progress.length).toBeGreaterThanOrEqual(2)
    expect(progress.map((p) => p.evaluated)).toEqual([...progress.map((p) => p.evaluated)].sort((a, b) => a - b))
    expect(progress.every((p) => p.total === stats.promptTokens)).toBe(true)
    // Read in chunks up to the last token, which starts the answer: what the cache did not hold, evaluated once.
    expect(progress.at(-1)!.evaluated).toBe(stats.promptTokens - 1)
    expect(progress[0]!.evaluated).toBeGreaterThan(stats.reusedTokens)
    expect(stats.evaluatedTokens).toBe(stats.promptTokens - stats.reusedTokens)
    expect(stats.reusedTokens).toBeLessThan(20)
    expect(text).toBe(DEMO_ANSWER)
    expect(events.findIndex((e) => e.type === 'promptProgress')).toBeLessThan(events.findIndex((e) => e.type === 'text'))
  })

  it('keeps messages as a tree: the system prompt is editable and counted', async () => {
    expect(unwrap(await t.core.request('chat.setSystemPrompt', { text: 'Be brief.' })).systemPrompt).toBe('Be brief.')
    const conv = unwrap(await t.core.request('app.snapshot', undefined)).session
    expect(conv.systemPrompt).toBe('Be brief.')
    expect(conv.systemPromptTokens).toBeGreaterThan(0)
    expect(conv.nodes.every((n) => n.parentId === null || conv.nodes.some((p) => p.id === n.parentId))).toBe(true)
  })
})
