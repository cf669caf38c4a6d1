import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compactionSettings, maxPromptTokens } from '../../src/shared/contextBudget'
import type { LoadSettings } from '../../src/shared/types'
import { getDemoModelPath } from '../helpers/fixtures'
import { piSession } from '../helpers/bigPiSession'
import { piSends } from '../helpers/piContext'
import { createTestCore, unwrap, viewOf, type TestCore } from '../helpers/testCore'

// Pi's summary prompt alone is ~1,100 tokens with the demo model's byte-level vocabulary (~400 with a real one).
const CONTEXT = 4096
const settings: LoadSettings = { contextSize: CONTEXT, sequences: 1, gpuLayers: 0, kvCacheType: 'F16', threads: 1 }
const words = (n: number, seed: string) => Array.from({ length: n }, (_, i) => `${seed}${i}`).join(' ')

/**
 * A turn never asks the model for more than its context holds: under `stop` it is refused with the numbers, under
 * `compact` the old part becomes a Pi compaction first, under `truncateMiddle` the middle is left out; and the
 * refusal adds nothing to the session.
 */
describe('a turn that would not fit the context', () => {
  let t: TestCore
  beforeAll(async () => {
    t = await createTestCore()
    unwrap(await t.core.request('model.load', { path: await getDemoModelPath(), settings }))
  })
  afterAll(() => t.dispose())

  /** A new session with `turns` user messages of about `size` words each, answered by the model. */
  async function history(turns: number, size: number) {
    unwrap(await t.core.request('session.new', undefined))
    for (let i = 0; i < turns; i++) unwrap(await t.core.request('chat.send', { text: `Turn ${i}: ${words(size, `w${i}x`)}` }))
    return viewOf(t)
  }

  it('under "stop": refused with CONTEXT_OVERFLOW and its numbers, and nothing is added', async () => {
    unwrap(await t.core.request('session.new', undefined))
    unwrap(await t.core.request('session.setOverflow', { policy: 'stop' }))
    const before = await viewOf(t)
    const result = await t.core.request('chat.send', { text: words(2000, 'big') })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.code).toBe('CONTEXT_OVERFLOW')
    expect(result.error.details).toMatchObject({ contextSize: CONTEXT, maxPromptTokens: maxPromptTokens(CONTEXT) })
    expect((result.error.details as { promptTokens: number }).promptTokens).toBeGreaterThan(CONTEXT)
    expect(result.error.message).toMatch(/Compact the conversation \(\/compact\)/)
    const after = await viewOf(t)
    expect(after.nodes).toHaveLength(before.nodes.length)
    expect(after.overflowPolicy).toBe('stop')
  })

  it('under "compact" (the default): the old part is summarised into a compaction Pi reads, and the turn fits', async () => {
    // Six turns of ~470 tokens: under the compaction threshold (context - reserve = 3,072); the next message crosses it.
    const view = await history(6, 80)
    expect(view.overflowPolicy).toBe('compact')
    expect(view.nodes.some((n) => n.kind === 'compactionSummary')).toBe(false)
    const sent = unwrap(await t.core.request('chat.send', { text: `Now this: ${words(150, 'n')}` }))
    const stats = sent.assistant.stats!
    expect(stats.promptTokens).toBeLessThanOrEqual(CONTEXT - compactionSettings(CONTEXT).reserveTokens)
    const after = await viewOf(t)
    const compaction = after.nodes.find((n) => n.kind === 'compactionSummary')
    expect(compaction).toBeDefined()
    // Everything the compaction replaced is still in the tree, above it.
    expect(after.nodes.filter((n) => n.kind === 'user').length).toBe(7)
    // Pi's own code reads the file the same way: the summary first, then the kept part and the new turn.
    const pi = piSends(after.summary.path)
    expect(pi[0]!.text).toMatch(/^The conversation history before this point was compacted into the following summary:\n\n<summary>\n/)
    expect(pi.at(-2)!.text).toBe(`Now this: ${words(150, 'n')}`)
    expect(pi.some((m) => m.text.startsWith('Turn 0:'))).toBe(false)
    const line = (await readFile(after.summary.path, 'utf8')).split('\n').find((l) => l.includes('"type":"compaction"'))!
    expect(JSON.parse(line)).toMatchObject({ type: 'compaction', parentId: expect.any(String), firstKeptEntryId: expect.any(String), tokensBefore: expect.any(Number) })
  })

  it('under "truncateMiddle": the first turn and the recent ones are read, the middle is left out and counted', async () => {
    unwrap(await t.core.request('session.new', undefined))
    unwrap(await t.core.request('session.setOverflow', { policy: 'truncateMiddle' }))
    for (let i = 0; i < 8; i++) unwrap(await t.core.request('chat.send', { text: `Turn ${i}: ${words(80, `w${i}x`)}` }))
    const sent = unwrap(await t.core.request('chat.send', { text: `Last: ${words(60, 'l')}` }))
    expect(sent.assistant.stats!.droppedMessages).toBeGreaterThan(0)
    expect(sent.assistant.stats!.promptTokens).toBeLessThanOrEqual(maxPromptTokens(CONTEXT))
    expect((await viewOf(t)).nodes.some((n) => n.kind === 'compactionSummary')).toBe(false)
  })

  it('a message that alone is larger than the context is refused under every policy', async () => {
    for (const policy of ['compact', 'truncateMiddle'] as const) {
      await history(2, 10)
      unwrap(await t.core.request('session.setOverflow', { policy }))
      const result = await t.core.request('chat.send', { text: words(3000, 'huge') })
      expect(result.ok ? 'ok' : result.error.code).toBe('CONTEXT_OVERFLOW')
    }
  })

  it('/compact writes a compaction node at the position; the next turn starts from its summary', async () => {
    await history(6, 50)
    const { node } = unwrap(await t.core.request('chat.command', { text: '/compact keep the file names' }))
    expect(node.kind).toBe('compactionSummary')
    expect(node.text.length).toBeGreaterThan(0)
    const sent = unwrap(await t.core.request('chat.send', { text: 'Go on' }))
    expect(sent.user.parentId).toBe(node.id)
    const pi = piSends((await viewOf(t)).summary.path)
    expect(pi[0]!.text).toContain(node.text)
  })
})

describe('a Pi session hundreds of times larger than the context', () => {
  let t: TestCore
  beforeAll(async () => {
    t = await createTestCore()
    unwrap(await t.core.request('model.load', { path: await getDemoModelPath(), settings }))
  })
  afterAll(() => t.dispose())

  it('opens with its size counted (the template part estimated), refuses under "stop" and compacts under "compact"', async () => {
    const path = join(t.sessionsFolder, 'big-pi.jsonl')
    await writeFile(path, piSession(250))
    unwrap(await t.core.request('session.open', { path }))
    // Answered while it is counted: the list comes back, and then the count.
    expect(unwrap(await t.core.request('session.list', undefined)).some((s) => s.path === path)).toBe(true)
    await expect.poll(async () => (await viewOf(t)).composition?.historyTokens ?? 0, { timeout: 60_000 }).toBeGreaterThan(100 * CONTEXT)
    expect((await viewOf(t)).composition?.estimated).toBe(true)
    unwrap(await t.core.request('session.setOverflow', { policy: 'stop' }))
    const refused = await t.core.request('chat.send', { text: 'Summarise the modules.' })
    expect(refused.ok ? 'ok' : refused.error.code).toBe('CONTEXT_OVERFLOW')
    unwrap(await t.core.request('session.setOverflow', { policy: 'compact' }))
    const sent = unwrap(await t.core.request('chat.send', { text: 'Summarise the modules.' }))
    expect(sent.assistant.stats!.promptTokens).toBeLessThanOrEqual(maxPromptTokens(CONTEXT))
    const pi = piSends(path)
    expect(pi[0]!.text).toMatch(/^The conversation history before this point was compacted/)
    expect(pi.length).toBeLessThan(10)
  }, 120_000)
})
