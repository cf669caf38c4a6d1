import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { OpenSession } from '../../../src/main/core/sessions/OpenSession'
import { sessionViewSchema } from '../../../src/shared/contract/sessionSchemas'
import { readTurnStats } from '../../../src/shared/session/readTurnStats'

/** Turn numbers written by an older Arbor (before reused tokens and the context size were stored). */
const olderStats = { promptTokens: 40, evaluatedTokens: 30, generatedTokens: 12, timeToFirstTokenMs: 8.5, tokensPerSecond: 300, totalMs: 50, stopReason: 'eos', threads: 2 }

describe('turn numbers from any version of a session file', () => {
  it('derives what an older Arbor did not store, and leaves nonsense out', () => {
    expect(readTurnStats(olderStats)).toEqual({ ...olderStats, reusedTokens: 10, contextSize: 0 })
    expect(readTurnStats({ promptTokens: 5.4, evaluatedTokens: 9, stopReason: 'exploded', threads: -1 })).toMatchObject({ promptTokens: 5, evaluatedTokens: 5, reusedTokens: 0, stopReason: 'eos', threads: 0 })
    expect(readTurnStats({ evaluatedTokens: 3 })).toBeNull()
    expect(readTurnStats('fast')).toBeNull()
  })

  it('opens a session an older Arbor wrote as a view that meets the contract', async () => {
    const dir = await mkdtemp(join(os.tmpdir(), 'arbor-old-stats-'))
    try {
      const file = join(dir, 'old.jsonl')
      const lines = [
        { type: 'session', version: 3, id: 'old', timestamp: '2026-11-01T00:00:00.000Z', cwd: '/tmp' },
        { type: 'message', id: 'aaaa0001', parentId: null, timestamp: '2026-11-01T00:00:01.000Z', message: { role: 'user', content: 'Hi', timestamp: 1 } },
        { type: 'message', id: 'aaaa0002', parentId: 'aaaa0001', timestamp: '2026-11-01T00:00:02.000Z', message: { role: 'assistant', content: [{ type: 'text', text: 'Hello' }], stopReason: 'stop', timestamp: 2 } },
        { type: 'custom', id: 'aaaa0003', parentId: 'aaaa0002', timestamp: '2026-11-01T00:00:03.000Z', customType: 'arbor.turn', data: { targetId: 'aaaa0002', stats: olderStats } },
        { type: 'custom', id: 'aaaa0004', parentId: 'aaaa0003', timestamp: '2026-11-01T00:00:04.000Z', customType: 'arbor.turn', data: { targetId: 'aaaa0001', stats: { nonsense: true } } },
      ]
      await writeFile(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n')
      const view = (await OpenSession.read(file, () => null)).view(1, null, null)
      expect(sessionViewSchema.safeParse(JSON.parse(JSON.stringify(view))).success).toBe(true)
      expect(view.nodes.find((n) => n.id === 'aaaa0002')?.stats).toMatchObject({ reusedTokens: 10, contextSize: 0 })
      expect(view.nodes.find((n) => n.id === 'aaaa0001')?.stats).toBeUndefined()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
