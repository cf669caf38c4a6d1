import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { SessionManager } from '@mariozechner/pi-coding-agent'
import { afterAll, describe, expect, it } from 'vitest'
import { SessionDocument } from '../../../src/shared/session/SessionDocument'
import type { NewSessionEntry } from '../../../src/shared/session/sessionTypes'
import { arborSends, piSends } from '../../helpers/piContext'
import { everyEntryTypeV3, linearV1, treeV2 } from './sessionFixtures'

/**
 * Arbor gives the model the same messages as the real Pi 0.73.1 for the same session file: roles, order, text,
 * tool calls and the calls results answer. Pi's side is Pi's own code (SessionManager, convertToLlm, and pi-ai's
 * OpenAI request builder); Arbor's is `contextMessages` over the file's path.
 */
const fixture = (name: string) => gunzipSync(readFileSync(join(import.meta.dirname, '../../fixtures/pi-sessions', `${name}.jsonl.gz`))).toString('utf8')
const folders: string[] = []
const folder = () => {
  const made = mkdtempSync(join(os.tmpdir(), 'arbor-parity-'))
  folders.push(made)
  return made
}
afterAll(() => {
  for (const f of folders.splice(0)) rmSync(f, { recursive: true, force: true })
})
const written = (text: string) => {
  const path = join(folder(), 'session.jsonl')
  writeFileSync(path, text)
  return path
}

const usage = { input: 1, output: 1, cacheRead: 0, cacheWrite: 0, totalTokens: 2, cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 } }
const assistant = (content: unknown[], stopReason = 'stop') => ({ role: 'assistant', content, api: 'openai-completions', provider: 'arbor', model: 'local', usage, stopReason, timestamp: 1 })

describe('the context Arbor sends is the one Pi sends', () => {
  it.each(['large-session', 'before-compaction'])("pi-mono's %s fixture (version 1, migrated by each side)", (name) => {
    const text = fixture(name)
    const pi = piSends(written(text))
    const arbor = arborSends(text)
    expect(arbor.length).toBe(pi.length)
    expect(arbor).toEqual(pi)
  })

  it("before-compaction: the latest compaction's summary comes first and the history before what it kept is not sent", () => {
    const text = fixture('before-compaction')
    const arbor = arborSends(text)
    expect(arbor[0]!.text).toMatch(/^The conversation history before this point was compacted into the following summary:\n\n<summary>\n# Context Checkpoint/)
    expect(arbor[0]!.text.endsWith('\n</summary>')).toBe(true)
    // The whole file has 1,000 entries; what the model reads is a fraction of them.
    expect(text.trim().split('\n').length).toBeGreaterThan(1000)
    expect(arbor.length).toBeLessThan(500)
    expect(arbor.filter((m) => m.text.startsWith('The conversation history before this point'))).toHaveLength(1)
  })

  it('large-session: failed and stopped assistant turns are not sent', () => {
    const text = fixture('large-session')
    const aborted = text.split('\n').filter((l) => /"stopReason":"(aborted|error)"/.test(l)).length
    expect(aborted).toBe(22)
    const all = text.split('\n').filter((l) => l.includes('"role":"assistant"')).length
    expect(arborSends(text).filter((m) => m.role === 'assistant').length).toBeLessThanOrEqual(all - aborted)
  })

  it.each([
    ['every entry type', everyEntryTypeV3],
    ['a version 1 file', linearV1],
    ['a version 2 file', treeV2],
  ])('%s from the session tests', (_name, text) => {
    expect(arborSends(text)).toEqual(piSends(written(text)))
  })

  it("a session written by Pi's SessionManager: branches, a branch summary, a compaction, bash, custom messages, orphaned tool calls", () => {
    const dir = folder()
    const pi = SessionManager.create('/work/project', dir)
    const first = pi.appendMessage({ role: 'user', content: 'Plan the change', timestamp: 1 })
    pi.appendMessage(assistant([{ type: 'text', text: 'Reading first.' }, { type: 'toolCall', id: 'c1', name: 'read', arguments: { path: 'a.ts' } }], 'toolUse') as never)
    pi.appendMessage({ role: 'toolResult', toolCallId: 'c1', toolName: 'read', content: [{ type: 'text', text: 'export {}' }], isError: false, timestamp: 2 })
    const answer = pi.appendMessage(assistant([{ type: 'text', text: 'It is empty.' }]) as never)
    pi.appendMessage({ role: 'bashExecution', command: 'ls', output: 'a.ts', exitCode: 0, cancelled: false, truncated: false, timestamp: 3 } as never)
    pi.appendMessage({ role: 'bashExecution', command: 'cat secret', output: 'hidden', exitCode: 0, cancelled: false, truncated: false, excludeFromContext: true, timestamp: 4 } as never)
    pi.appendMessage({ role: 'bashExecution', command: 'false', output: '', exitCode: 1, cancelled: false, truncated: true, fullOutputPath: '/tmp/out.txt', timestamp: 5 } as never)
    pi.appendMessage(assistant([{ type: 'text', text: 'half' }], 'aborted') as never)
    pi.appendMessage(assistant([{ type: 'thinking', thinking: 'only thoughts' }]) as never)
    pi.appendCustomMessageEntry('ext', 'From an extension', false)
    pi.appendCustomEntry('ext-state', { n: 1 })
    pi.appendMessage(assistant([{ type: 'toolCall', id: 'c2', name: 'bash', arguments: { command: 'make' } }], 'toolUse') as never)
    pi.appendMessage({ role: 'user', content: [{ type: 'text', text: 'Never mind' }], timestamp: 6 })
    const kept = pi.appendMessage(assistant([{ type: 'text', text: 'Fine.' }]) as never)
    pi.appendCompaction('## Goal\nThe change', kept, 1234)
    pi.appendMessage({ role: 'user', content: 'After the compaction', timestamp: 7 })
    pi.appendMessage(assistant([{ type: 'text', text: 'Noted.' }]) as never)
    pi.branchWithSummary(answer, 'We tried bash and an extension.')
    pi.appendMessage({ role: 'user', content: 'Back on the first branch', timestamp: 8 })
    pi.appendSessionInfo('')
    const file = pi.getSessionFile()!
    const text = readFileSync(file, 'utf8')
    expect(arborSends(text)).toEqual(piSends(file))
    // And at the leaf of the other branch, past the compaction.
    const { doc } = SessionDocument.parse(text)
    const leafOfCompacted = doc.entries.filter((e) => e.type === 'message').at(-2)!.id
    const compacted = arborSends(text, leafOfCompacted)
    expect(compacted).toEqual(piSends(file, leafOfCompacted))
    expect(compacted[0]!.text).toContain('## Goal\nThe change')
    expect(compacted.slice(-2).map((m) => m.text)).toEqual(['After the compaction', 'Noted.'])
    expect(arborSends(text, first)).toEqual(piSends(file, first))
  })

  it('a session written by Arbor: a shown-only command output is sent by neither, a sent one by both', () => {
    const doc = SessionDocument.create({ cwd: '/work/project' })
    const add = (entry: NewSessionEntry) => doc.append(entry).entry.id
    add({ type: 'message', message: { role: 'user', content: 'Hello', timestamp: 1 } })
    add({ type: 'message', message: assistant([{ type: 'text', text: 'Hi.' }]) as never })
    add({ type: 'custom', customType: 'arbor.command', data: { text: 'exported 2 messages', command: '/export', extension: 'export' } })
    add({ type: 'custom_message', customType: 'arbor.command', content: 'the weather is fine', display: true, details: { command: '/weather', extension: 'w' } })
    add({ type: 'custom', customType: 'arbor.turn', data: { targetId: 'x', stats: {} } })
    add({ type: 'message', message: { role: 'user', content: 'Thanks', timestamp: 2 } })
    const text = doc.serialize()
    const pi = piSends(written(text))
    expect(arborSends(text)).toEqual(pi)
    expect(pi.map((m) => m.text)).toEqual(['Hello', 'Hi.', 'the weather is fine', 'Thanks'])
  })
})
