import type { Result } from '../../src/shared/errors'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_ANSWER } from '../../src/main/core/gguf-writer/makeDemoModel'
import type { TurnEvent, TurnRequest } from '../../src/main/core/turns/TurnRunner'
import { emptyCallContext } from '../../src/main/core/extensions/emptyCallContext'
import type { LoadSettings } from '../../src/shared/types'
import { getDemoModelPath } from '../helpers/fixtures'
import { codeOf, createTestCore, unwrap, viewOf, type TestCore } from '../helpers/testCore'

const settings: LoadSettings = { contextSize: 1024, sequences: 2, gpuLayers: 0, kvCacheType: 'F16', threads: 1 }

/** A turn as a client other than the tree (the API server, a script) asks for one. */
const request = (text: string, priority: TurnRequest['priority'] = 'background'): TurnRequest => ({
  systemPrompt: 'You are a helpful assistant.',
  messages: [{ role: 'user', text }],
  priority,
  callContext: () => emptyCallContext(),
})

/** All events of a turn; `onEvent` sees each as it comes. */
async function collect(turn: AsyncIterable<TurnEvent>, onEvent: (e: TurnEvent) => void = () => {}): Promise<TurnEvent[]> {
  const events: TurnEvent[] = []
  for await (const event of turn) {
    events.push(event)
    onEvent(event)
  }
  return events
}

const replyOf = (events: TurnEvent[]) => events.find((e): e is Extract<TurnEvent, { type: 'reply' }> => e.type === 'reply')!
const startedOf = (events: TurnEvent[]) => events.find((e): e is Extract<TurnEvent, { type: 'started' }> => e.type === 'started')!

/** The engine's sequences are shared between clients: N at once, a bounded queue after, people first. */
describe('turns scheduled over the sequences of a context', () => {
  let t: TestCore
  beforeAll(async () => {
    t = await createTestCore({ queueLimit: 2 })
  })
  afterAll(() => t.dispose())

  it('runs two turns at once on two sequences, each with its own answer and numbers', async () => {
    unwrap(await t.core.request('model.load', { path: await getDemoModelPath(), settings }))
    const running = new Set<string>()
    let overlapped = false
    const watch = (name: string) => (e: TurnEvent) => {
      if (e.type === 'started') running.add(name)
      if (e.type === 'text' && running.size === 2) overlapped = true
      if (e.type === 'reply') running.delete(name)
    }
    const [a, b] = await Promise.all([
      collect(t.core.runner.run(request('A question about oaks?')), watch('a')),
      collect(t.core.runner.run(request('Another one, about the roots of willows?')), watch('b')),
    ])
    expect(overlapped).toBe(true)
    expect(new Set([startedOf(a).sequence, startedOf(b).sequence])).toEqual(new Set([0, 1]))
    for (const events of [a, b]) {
      const { end } = replyOf(events)
      expect(end.text).toBe(DEMO_ANSWER)
      expect(end.reason).toBe('eos')
      // Fresh sequences: each evaluated its whole prompt, and the prompts differ.
      expect(end.stats.evaluatedTokens).toBe(end.stats.promptTokens)
      expect(end.stats.generatedTokens).toBeGreaterThan(5)
    }
    expect(replyOf(a).end.stats.promptTokens).toBeLessThan(replyOf(b).end.stats.promptTokens)
    expect(events(a)).not.toContain('queued')
  })

  it('queues a turn beyond the sequences, runs people first, and refuses past the queue', async () => {
    unwrap(await t.core.request('model.load', { path: await getDemoModelPath(), settings: { ...settings, sequences: 1 } }))
    const order: string[] = []
    const note = (name: string) => (e: TurnEvent) => {
      if (e.type === 'started') order.push(name)
    }
    const first = t.core.runner.run(request('First, in the background.'))
    const firstEvents: TurnEvent[] = []
    // Wait until the first holds the only sequence.
    for (;;) {
      const { value } = await first.next()
      firstEvents.push(value as TurnEvent)
      if ((value as TurnEvent).type === 'started') break
    }
    order.push('first')
    const background = collect(t.core.runner.run(request('Second, in the background.')), note('background'))
    const interactive = collect(t.core.runner.run(request('Third, from the chat.', 'interactive')), note('interactive'))
    // Give both a moment to queue behind the first.
    await new Promise((resolve) => setTimeout(resolve, 50))
    const refused = await collect(t.core.runner.run(request('Fourth: no room left in the queue.'))).then(
      () => 'ok',
      (error: { code?: string }) => error.code,
    )
    expect(refused).toBe('ENGINE_BUSY')
    const rest = await collect(first)
    const [b, i] = await Promise.all([background, interactive])
    expect(events(b)).toContain('queued')
    expect(events(i)).toContain('queued')
    expect(order).toEqual(['first', 'interactive', 'background'])
    for (const events of [[...firstEvents, ...rest], b, i]) expect(replyOf(events).end.text).toBe(DEMO_ANSWER)
  })

  it('a reader that stops while its turn waits (a client that went away) leaves the sequences free', async () => {
    const first = t.core.runner.run(request('Holding the only sequence.'))
    for (;;) if (((await first.next()).value as TurnEvent).type === 'started') break
    const gone = t.core.runner.run(request('Gone before its turn.'))
    expect(((await gone.next()).value as TurnEvent).type).toBe('round')
    expect(((await gone.next()).value as TurnEvent).type).toBe('queued')
    await gone.return(undefined)
    await collect(first)
    // Had the one that left kept its place or its sequence, this would wait forever.
    const next = await collect(t.core.runner.run(request('The next one.')))
    expect(events(next)).not.toContain('queued')
    expect(replyOf(next).end.text).toBe(DEMO_ANSWER)
  })

  it('a message from the chat when the model is busy and its queue full: a failed reply in the tree, not a lost bubble', async () => {
    const busy = await createTestCore({ queueLimit: 0 })
    try {
      unwrap(await busy.core.request('model.load', { path: await getDemoModelPath(), settings: { ...settings, sequences: 1 } }))
      const holder = busy.core.runner.run(request('Holding the only sequence.'))
      for (;;) if (((await holder.next()).value as TurnEvent).type === 'started') break
      busy.events.length = 0
      const sent = await busy.core.request('chat.send', { text: 'Anyone there?' })
      expect(codeOf(sent)).toBe('GENERATION_FAILED')
      const start = busy.events.find((e) => e.type === 'chat.turnStart')
      const end = busy.events.find((e) => e.type === 'chat.turnEnd')
      expect(start?.type === 'chat.turnStart' && end?.type === 'chat.turnEnd' && end.pendingId === start.assistant.id).toBe(true)
      const view = await viewOf(busy)
      const reply = view.nodes.find((n) => n.kind === 'assistant')!
      expect(reply.error).toMatch(/busy/)
      expect(view.leafId).toBe(reply.id)
      await collect(holder)
    } finally {
      await busy.dispose()
    }
  })

  it('Unload stops queued and running turns alike, each ending as stopped', async () => {
    // The unload is asked at the running turn's first token: a fixed delay raced a 30-token answer that a warm cache
    // writes in under 20 ms.
    let unloading: Promise<Result<unknown>> | null = null
    const running = collect(t.core.runner.run(request('Running when the model goes.')), (e) => {
      if (e.type === 'text') unloading ??= t.core.request('model.unload', undefined)
    })
    const queued = collect(t.core.runner.run(request('Waiting when the model goes.')))
    const [r, q] = await Promise.all([running, queued])
    expect(unloading && codeOf(await unloading)).toBe('ok')
    expect(replyOf(r).end.reason).toBe('stopped')
    expect(replyOf(q).end.reason).toBe('stopped')
    expect(codeOf(await t.core.request('chat.send', { text: 'hi' }))).toBe('NO_MODEL_LOADED')
  })
})

const events = (list: TurnEvent[]) => list.map((e) => e.type)
