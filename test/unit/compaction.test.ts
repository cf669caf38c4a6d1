import { describe, expect, it } from 'vitest'
import { compactionSettings, maxPromptTokens, shouldCompact } from '../../src/shared/contextBudget'
import type { SessionEntry } from '../../src/shared/session/sessionTypes'
import { planCompaction, serializeConversation, summaryRequest } from '../../src/shared/tree/compaction'

const t = '2026-01-01T00:00:00.000Z'
let n = 0
const id = () => `e${(n++).toString(16).padStart(7, '0')}`
function chain(...messages: object[]): SessionEntry[] {
  const out: SessionEntry[] = []
  for (const message of messages) {
    const parentId = out.at(-1)?.id ?? null
    out.push(('type' in message ? { id: id(), parentId, timestamp: t, ...message } : { type: 'message', id: id(), parentId, timestamp: t, message }) as SessionEntry)
  }
  return out
}
const user = (text: string) => ({ role: 'user', content: text })
const assistant = (text: string, calls: { id: string; name: string }[] = []) => ({
  role: 'assistant',
  content: [{ type: 'text', text }, ...calls.map((c) => ({ type: 'toolCall', ...c, arguments: { path: 'a.ts' } }))],
  api: 'arbor',
  provider: 'llama.cpp',
  model: 'm',
  stopReason: calls.length ? 'toolUse' : 'stop',
})
const result = (callId: string, text: string) => ({ role: 'toolResult', toolCallId: callId, toolName: 'read', content: [{ type: 'text', text }], isError: false })
// Each message costs 100 tokens in these tests.
const hundred = () => 100

describe('compaction', () => {
  it("scales Pi's reserve and recent part to local contexts, never past Pi's own numbers", () => {
    expect(compactionSettings(4096)).toEqual({ reserveTokens: 1024, keepRecentTokens: 1229 })
    expect(compactionSettings(32768)).toEqual({ reserveTokens: 8192, keepRecentTokens: 9830 })
    expect(compactionSettings(262144)).toEqual({ reserveTokens: 16384, keepRecentTokens: 20000 })
    expect(compactionSettings(1024)).toEqual({ reserveTokens: 512, keepRecentTokens: 307 })
    expect(shouldCompact(3072, 4096)).toBe(false)
    expect(shouldCompact(3073, 4096)).toBe(true)
    expect(maxPromptTokens(4096)).toBe(4096 - 410 - 16)
  })

  it('keeps about keepRecentTokens of recent history and cuts at a message a turn can resume from, never at a tool result', () => {
    const path = chain(user('one'), assistant('reading', [{ id: 'c1', name: 'read' }]), result('c1', 'file'), assistant('done'), user('two'), assistant('ok', [{ id: 'c2', name: 'read' }]), result('c2', 'file 2'), assistant('two done'))
    // 250 tokens kept: walking back, the third message from the end (the call of c2) crosses it: the cut is there, its result follows.
    const plan = planCompaction(path, 250, hundred)!
    const kept = path.find((e) => e.id === plan.firstKeptEntryId)!
    expect((kept as { message: { role: string } }).message.role).toBe('assistant')
    expect(kept.id).toBe(path[5]!.id)
    for (let keep = 50; keep <= 800; keep += 50) {
      const p = planCompaction(path, keep, hundred)
      if (!p) continue
      expect((path.find((e) => e.id === p.firstKeptEntryId) as { message: { role: string } }).message.role).not.toBe('toolResult')
    }
    // The cut is inside the turn of "two": that turn's start is summarised apart (Pi's split turn), the history before it as usual.
    expect(plan.toSummarize.map((m) => m.role)).toEqual(['user', 'assistant', 'toolResult', 'assistant'])
    expect(plan.turnPrefix.map((m) => m.text)).toEqual(['two'])
    // 150 kept: the crossing is at the c2 result, which is no cut point: the cut moves on to the assistant after it.
    expect(planCompaction(path, 150, hundred)!.firstKeptEntryId).toBe(path[7]!.id)
  })

  it('after an earlier compaction, only what it kept and what followed is summarised, updating its summary', () => {
    const first = chain(user('a'), assistant('b'), user('c'), assistant('d'))
    const compaction = { type: 'compaction', id: id(), parentId: first.at(-1)!.id, timestamp: t, summary: '## Goal\nold', firstKeptEntryId: first[2]!.id, tokensBefore: 400 } as SessionEntry
    const after = chain(user('e'), assistant('f'), user('g'), assistant('h'))
    after[0] = { ...after[0]!, parentId: compaction.id } as SessionEntry
    const path = [...first, compaction, ...after]
    const plan = planCompaction(path, 150, hundred)!
    expect(plan.previousSummary).toBe('## Goal\nold')
    expect(plan.toSummarize.map((m) => m.text)).toEqual(['c', 'd', 'e', 'f'])
    expect(plan.firstKeptEntryId).toBe(after[2]!.id)
    // Right after a compaction there is nothing to do; nor when everything is recent.
    expect(planCompaction([...first, compaction], 150, hundred)).toBeNull()
    expect(planCompaction(first, 10_000, hundred)).toBeNull()
  })

  it("serializes the conversation as Pi's summariser reads it, with Pi's prompts", () => {
    const text = serializeConversation([
      { role: 'user', text: 'Fix a.ts' },
      { role: 'assistant', text: 'Reading.', toolCalls: [{ id: 'c', name: 'read', arguments: { path: 'a.ts' } }] },
      { role: 'toolResult', text: 'x'.repeat(2100), toolCallId: 'c', toolName: 'read' },
    ])
    expect(text).toBe(`[User]: Fix a.ts\n\n[Assistant]: Reading.\n\n[Assistant tool calls]: read(path="a.ts")\n\n[Tool result]: ${'x'.repeat(2000)}\n\n[... 100 more characters truncated]`)
    const request = summaryRequest(text, undefined, 'keep file names')
    expect(request.startsWith('<conversation>\n[User]: Fix a.ts')).toBe(true)
    for (const section of ['## Goal', '## Constraints & Preferences', '## Progress', '## Key Decisions', '## Next Steps', '## Critical Context']) expect(request).toContain(section)
    expect(request.endsWith('Additional focus: keep file names')).toBe(true)
    expect(summaryRequest(text, 'old summary', undefined)).toContain('<previous-summary>\nold summary\n</previous-summary>')
  })
})
