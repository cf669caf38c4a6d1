import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { estimateTokens, findCutPoint } from '@mariozechner/pi-coding-agent'
import { describe, expect, it } from 'vitest'
import { SessionDocument } from '../../src/shared/session/SessionDocument'
import type { SessionEntry } from '../../src/shared/session/sessionTypes'
import { fileOperationsText, mergeSplitTurn, planCompaction, turnPrefixRequest } from '../../src/shared/tree/compaction'

const fixture = (name: string) => gunzipSync(readFileSync(join(import.meta.dirname, '../fixtures/pi-sessions', `${name}.jsonl.gz`))).toString('utf8')
const pathOf = (text: string): SessionEntry[] => {
  const { doc } = SessionDocument.parse(text)
  return doc.pathTo(doc.leafId)
}
/** Pi's own estimate of a message entry (what its cut point walks back with). */
const piTokens = (entry: SessionEntry) => estimateTokens((entry as unknown as { message: never }).message)

/** Where Pi 0.73.1 cuts this path: its `findCutPoint` from where its `prepareCompaction` starts (after the latest compaction's kept part). */
function piCut(path: SessionEntry[], keepRecentTokens: number) {
  const previous = path.findLastIndex((e) => e.type === 'compaction')
  let start = 0
  if (previous >= 0) {
    const kept = path.findIndex((e) => e.id === (path[previous] as { firstKeptEntryId: string }).firstKeptEntryId)
    start = kept >= 0 ? kept : previous + 1
  }
  const cut = findCutPoint(path as never, start, path.length, keepRecentTokens)
  const prefix = cut.isSplitTurn ? path.slice(cut.turnStartIndex, cut.firstKeptEntryIndex).filter((e) => e.type === 'message' || e.type === 'custom_message' || e.type === 'branch_summary') : []
  return { firstKeptEntryId: path[cut.firstKeptEntryIndex]!.id, split: prefix.length > 0 }
}

const t = '2026-01-01T00:00:00.000Z'
function oneLongTurn(rounds: number): SessionEntry[] {
  const out: SessionEntry[] = []
  const add = (message: object) => out.push({ type: 'message', id: `e${out.length.toString(16).padStart(7, '0')}`, parentId: out.at(-1)?.id ?? null, timestamp: t, message } as SessionEntry)
  add({ role: 'user', content: 'Refactor every module to use the new logger.' })
  for (let i = 0; i < rounds; i++) {
    const name = i % 3 === 2 ? 'edit' : 'read'
    add({ role: 'assistant', content: [{ type: 'text', text: `Looking at module ${i}.` }, { type: 'toolCall', id: `c${i}`, name, arguments: { path: `src/m${i}.ts` } }], stopReason: 'toolUse' })
    add({ role: 'toolResult', toolCallId: `c${i}`, toolName: name, content: [{ type: 'text', text: `export const m${i} = ${'1 + '.repeat(200)}1` }], isError: false })
  }
  add({ role: 'assistant', content: [{ type: 'text', text: 'All modules use the logger now.' }], stopReason: 'stop' })
  return out
}

describe("compaction cuts where Pi's does", () => {
  it.each(['large-session', 'before-compaction'])("pi-mono's %s fixture: the same first kept entry and the same split turns, for every size kept", (name) => {
    const path = pathOf(fixture(name))
    let compared = 0
    let splits = 0
    for (const keep of [200, 500, 1_000, 2_000, 4_000, 8_000, 20_000, 60_000]) {
      const ours = planCompaction(path, keep, piTokens)
      const pi = piCut(path, keep)
      if (!ours) continue
      compared++
      if (pi.split) splits++
      expect({ keep, first: ours.firstKeptEntryId, split: ours.turnPrefix.length > 0 }).toEqual({ keep, first: pi.firstKeptEntryId, split: pi.split })
    }
    expect(compared).toBeGreaterThanOrEqual(5)
    // Agent sessions are long turns of tool calls: most cuts split one.
    expect(splits).toBeGreaterThan(0)
  })

  it('one turn longer than the part kept is split: its start is summarised apart, with nothing before it', () => {
    const path = oneLongTurn(12)
    const plan = planCompaction(path, 400, piTokens)!
    expect(plan.firstKeptEntryId).toBe(piCut(path, 400).firstKeptEntryId)
    expect(plan.toSummarize).toEqual([])
    expect(plan.turnPrefix[0]).toMatchObject({ role: 'user', text: 'Refactor every module to use the new logger.' })
    expect(plan.turnPrefix.at(-1)!.role).toBe('toolResult')
    // Pi's file lists: read only, and edited (never in both).
    const calls = plan.turnPrefix.flatMap((m) => m.toolCalls ?? [])
    const pathsOf = (name: string) => calls.filter((c) => c.name === name).map((c) => c.arguments.path as string).sort()
    expect(plan.modifiedFiles.length).toBeGreaterThan(0)
    expect(plan.modifiedFiles).toEqual(pathsOf('edit'))
    expect(plan.readFiles).toEqual(pathsOf('read'))
    expect(plan.readFiles).toContain('src/m0.ts')
    expect(plan.readFiles.some((f) => plan.modifiedFiles.includes(f))).toBe(false)
  })

  it("writes the split turn, the file lists and the prefix request in Pi's words", () => {
    expect(mergeSplitTurn('history', 'prefix')).toBe('history\n\n---\n\n**Turn Context (split turn):**\n\nprefix')
    expect(fileOperationsText(['a.ts'], ['b.ts', 'c.ts'])).toBe('\n\n<read-files>\na.ts\n</read-files>\n\n<modified-files>\nb.ts\nc.ts\n</modified-files>')
    expect(fileOperationsText([], [])).toBe('')
    // Cut to a number of paths: edited files first, and how many more there were.
    expect(fileOperationsText(['a.ts', 'b.ts', 'c.ts'], ['d.ts'], 2)).toBe('\n\n<read-files>\na.ts\n(and 2 more)\n</read-files>\n\n<modified-files>\nd.ts\n</modified-files>')
    const request = turnPrefixRequest('[User]: go')
    expect(request.startsWith('<conversation>\n[User]: go\n</conversation>\n\nThis is the PREFIX of a turn that was too large to keep.')).toBe(true)
    for (const section of ['## Original Request', '## Early Progress', '## Context for Suffix']) expect(request).toContain(section)
  })

  it("carries the earlier compaction's file lists into the next one", () => {
    const path = oneLongTurn(6)
    const compaction = { type: 'compaction', id: 'c0000000', parentId: path[3]!.id, timestamp: t, summary: 'old', firstKeptEntryId: path[3]!.id, tokensBefore: 1, details: { readFiles: ['old-read.ts'], modifiedFiles: ['old-edit.ts'] } } as SessionEntry
    const after = [...path.slice(0, 4), compaction, ...path.slice(4).map((e, i) => (i === 0 ? ({ ...e, parentId: compaction.id } as SessionEntry) : e))]
    const plan = planCompaction(after, 200, piTokens)!
    expect(plan.readFiles).toContain('old-read.ts')
    expect(plan.modifiedFiles).toContain('old-edit.ts')
  })
})
