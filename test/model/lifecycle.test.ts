import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ArborEvent } from '../../src/shared/contract'
import { DEMO_ANSWER } from '../../src/main/core/gguf-writer/makeDemoModel'
import type { LoadSettings } from '../../src/shared/types'
import { getDemoModelPath, getShapePath } from '../helpers/fixtures'
import { createTestCore, unwrap, viewOf, type TestCore } from '../helpers/testCore'

const settings: LoadSettings = { contextSize: 1024, sequences: 1, gpuLayers: 0, kvCacheType: 'F16', threads: 1 }

/** Runs `action` once the `n`th token of the answer has streamed. */
const onToken = (t: TestCore, n: number, action: () => unknown) => {
  let tokens = 0
  const off = t.core.on((e) => {
    if (e.type === 'chat.token' && ++tokens === n) {
      off()
      void action()
    }
  })
}

const indexOf = (events: ArborEvent[], match: (e: ArborEvent) => boolean) => events.findIndex(match)

/** The assistant message as it is stored in the session file. */
async function storedMessage(path: string, id: string): Promise<Record<string, unknown>> {
  const lines = (await readFile(path, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { id?: string; message?: Record<string, unknown> })
  return lines.find((l) => l.id === id)!.message!
}

/**
 * Buttons that end a turn wait for it: the answer being written is stopped, stored as stopped (never as a model
 * failure), and only then does the model go, or another session open.
 */
describe('a turn interrupted by the user', () => {
  let t: TestCore
  let demo: string
  beforeAll(async () => {
    t = await createTestCore()
    demo = await getDemoModelPath()
  })
  afterAll(() => t.dispose())

  const fresh = async () => {
    unwrap(await t.core.request('model.load', { path: demo, settings }))
    unwrap(await t.core.request('session.new', undefined))
    t.events.length = 0
  }

  const expectStoppedAnswer = async (assistant: { id: string; text: string; stats?: { stopReason: string } }, file: string) => {
    expect(assistant.stats?.stopReason).toBe('stopped')
    expect(assistant.text.length).toBeLessThan(DEMO_ANSWER.length)
    expect(DEMO_ANSWER.startsWith(assistant.text)).toBe(true)
    const stored = await storedMessage(file, assistant.id)
    expect(stored).toMatchObject({ role: 'assistant', stopReason: 'aborted' })
    expect(stored.errorMessage).toBeUndefined()
  }

  it('Unload in the middle of an answer: stored as stopped, then the model goes', async () => {
    await fresh()
    onToken(t, 2, () => t.core.request('model.unload', undefined))
    const { assistant } = unwrap(await t.core.request('chat.send', { text: 'Say it all.' }))
    await expect.poll(() => t.events.some((e) => e.type === 'model.loadState' && e.state.status === 'idle')).toBe(true)
    await expectStoppedAnswer(assistant, (await viewOf(t)).summary.path)
    const turnEnd = indexOf(t.events, (e) => e.type === 'chat.turnEnd')
    const idle = indexOf(t.events, (e) => e.type === 'model.loadState' && e.state.status === 'idle')
    expect(turnEnd).toBeGreaterThanOrEqual(0)
    expect(turnEnd).toBeLessThan(idle)
    expect(indexOf(t.events, (e) => e.type === 'chat.idle')).toBeLessThan(idle)
  })

  it('Load of another model in the middle of an answer: stored as stopped, then the other model loads', async () => {
    await fresh()
    const other = await getShapePath('tiny')
    let loading: Promise<unknown> = Promise.resolve()
    onToken(t, 2, () => (loading = t.core.request('model.load', { path: other, settings })))
    const { assistant } = unwrap(await t.core.request('chat.send', { text: 'Say it all.' }))
    unwrap((await loading) as Awaited<ReturnType<typeof t.core.request<'model.load'>>>)
    await expectStoppedAnswer(assistant, (await viewOf(t)).summary.path)
    const turnEnd = indexOf(t.events, (e) => e.type === 'chat.turnEnd')
    expect(turnEnd).toBeLessThan(indexOf(t.events, (e) => e.type === 'model.loadState' && e.state.status === 'loading'))
    expect(unwrap(await t.core.request('app.snapshot', undefined)).load).toMatchObject({ status: 'loaded', model: { facts: { path: other } } })
  })

  it('Stop answers once the answer is stored as stopped', async () => {
    await fresh()
    let stopped: Promise<unknown> = Promise.resolve()
    onToken(t, 2, () => (stopped = t.core.request('chat.stop', undefined)))
    const sent = t.core.request('chat.send', { text: 'Say it all.' })
    await expect.poll(() => t.events.some((e) => e.type === 'chat.token')).toBe(true)
    expect(await stopped).toEqual({ ok: true, value: { stopped: true } })
    // By the time Stop answered, the stopped answer was in the session.
    const stored = (await viewOf(t)).nodes.find((n) => n.kind === 'assistant')
    expect(stored?.stats?.stopReason).toBe('stopped')
    const { assistant } = unwrap(await sent)
    expect(assistant.id).toBe(stored!.id)
    await expectStoppedAnswer(assistant, (await viewOf(t)).summary.path)
  })

  it('another session opened in the middle of an answer: the answer stays, stopped, in its own session', async () => {
    await fresh()
    const first = (await viewOf(t)).summary.path
    let opened: Promise<unknown> = Promise.resolve()
    onToken(t, 2, () => (opened = t.core.request('session.new', undefined)))
    const { user, assistant } = unwrap(await t.core.request('chat.send', { text: 'Say it all.' }))
    const view = unwrap((await opened) as Awaited<ReturnType<typeof t.core.request<'session.new'>>>)
    expect(view.nodes).toEqual([])
    expect(view.summary.path).not.toBe(first)
    await expectStoppedAnswer(assistant, first)
    expect((await storedMessage(first, user.id)).role).toBe('user')
    expect(indexOf(t.events, (e) => e.type === 'chat.turnEnd')).toBeLessThan(indexOf(t.events, (e) => e.type === 'session.opened'))
  })
})
