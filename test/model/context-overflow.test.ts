import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compactionSettings, maxPromptTokens } from '../../src/shared/contextBudget'
import type { LoadSettings } from '../../src/shared/types'
import { getDemoModelPath } from '../helpers/fixtures'
import { piSession } from '../helpers/bigPiSession'
import { piSends } from '../helpers/piContext'
import { codeOf, createTestCore, unwrap, viewOf, type TestCore } from '../helpers/testCore'

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
    // The session chose nothing: the app's default (compact) holds.
    expect(view.overflowPolicy).toBeNull()
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

  it("the app's default policy holds in every session that chose none; a session's own choice wins until it is cleared", async () => {
    unwrap(await t.core.request('settings.set', { overflowPolicy: 'stop' }))
    try {
      unwrap(await t.core.request('session.new', undefined))
      expect((await viewOf(t)).overflowPolicy).toBeNull()
      const big = words(2000, 'big')
      expect(codeOf(await t.core.request('chat.send', { text: big }))).toBe('CONTEXT_OVERFLOW')
      // Chosen here: the message still alone exceeds the context, so "drop the middle" refuses too, but through
      // its own path; compact is then chosen and cleared back to the default.
      unwrap(await t.core.request('session.setOverflow', { policy: 'compact' }))
      expect((await viewOf(t)).overflowPolicy).toBe('compact')
      unwrap(await t.core.request('session.setOverflow', { policy: null }))
      expect((await viewOf(t)).overflowPolicy).toBeNull()
      const snapshot = unwrap(await t.core.request('app.snapshot', undefined))
      expect(snapshot.settings.overflowPolicy).toBe('stop')
      expect(t.events.some((e) => e.type === 'settings.changed' && e.settings.overflowPolicy === 'stop')).toBe(true)
    } finally {
      unwrap(await t.core.request('settings.set', { overflowPolicy: 'compact' }))
    }
  })

  it('a turn too long to keep is split as Pi splits it: its start summarised apart, the files it touched listed, and progress told', async () => {
    // One user request answered by many tool rounds (a Pi agent turn): the recent part kept starts inside it.
    const lines: object[] = [{ type: 'session', version: 3, id: 'split-turn', timestamp: '2026-01-01T00:00:00.000Z', cwd: t.sessionsFolder }]
    let parentId: string | null = null
    const add = (message: object) => {
      const id = `e${lines.length.toString(16).padStart(7, '0')}`
      lines.push({ type: 'message', id, parentId, timestamp: '2026-01-01T00:00:00.000Z', message: { timestamp: 1, ...message } })
      parentId = id
    }
    const usage = { input: 1, output: 1, cacheRead: 0, cacheWrite: 0, totalTokens: 2, cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 } }
    add({ role: 'user', content: 'Rename every exported function to camelCase.' })
    for (let i = 0; i < 10; i++) {
      const name = i % 2 ? 'edit' : 'read'
      add({ role: 'assistant', content: [{ type: 'toolCall', id: `c${i}`, name, arguments: { path: `src/file${i}.ts` } }], api: 'openai-completions', provider: 'arbor', model: 'local', usage, stopReason: 'toolUse' })
      add({ role: 'toolResult', toolCallId: `c${i}`, toolName: name, content: [{ type: 'text', text: words(60, `f${i}x`) }], isError: false })
    }
    const path = join(t.sessionsFolder, 'split-turn.jsonl')
    await writeFile(path, lines.map((l) => JSON.stringify(l)).join('\n') + '\n')
    unwrap(await t.core.request('session.open', { path }))
    const from = t.events.length
    const { node } = unwrap(await t.core.request('chat.command', { text: '/compact' }))
    expect(node.kind).toBe('compactionSummary')
    const entry = JSON.parse((await readFile(path, 'utf8')).split('\n').find((l) => l.includes('"type":"compaction"'))!) as { summary: string; details: { readFiles: string[]; modifiedFiles: string[]; splitTurn: boolean } }
    expect(entry.details.splitTurn).toBe(true)
    expect(entry.summary).toContain('\n\n---\n\n**Turn Context (split turn):**\n\n')
    // The lists in the summary are cut to a tenth of the reserve, edited files first; the details keep them all.
    expect(entry.summary).toMatch(/<modified-files>\nsrc\/file1\.ts\n/)
    expect(entry.details.readFiles[0]).toBe('src/file0.ts')
    expect(entry.details.modifiedFiles[0]).toBe('src/file1.ts')
    const progress = t.events.slice(from).filter((e) => e.type === 'chat.compactProgress')
    expect(progress.length).toBeGreaterThan(0)
    expect(progress.at(-1)).toMatchObject({ step: 1, steps: 1 })
    expect((progress.at(-1) as { tokens: number }).tokens).toBeGreaterThan(0)
    // Pi reads the summary first, then the kept part of the turn.
    const pi = piSends(path)
    expect(pi[0]!.text).toContain('**Turn Context (split turn):**')
    expect(pi.some((m) => m.text === 'Rename every exported function to camelCase.')).toBe(false)
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
