import { execFile } from 'node:child_process'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { gunzipSync } from 'node:zlib'
import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { runSessionContext } from '../../../src/main/cli/runSessionContext'
import { piSends } from '../../helpers/piContext'
import { everyEntryTypeV3 } from './sessionFixtures'

function capture() {
  const out: string[] = []
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void out.push(args.join(' ')))
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void out.push(args.join(' ')))
  return out
}

const sessionFile = async (text: string) => {
  const path = join(await mkdtemp(join(tmpdir(), 'arbor-context-')), 'session.jsonl')
  await writeFile(path, text)
  return path
}

describe('arbor session context', () => {
  afterEach(() => void vi.restoreAllMocks())

  it('--json gives the messages Pi sends, in order, and the compaction applied', async () => {
    const path = await sessionFile(everyEntryTypeV3)
    const out = capture()
    expect(await runSessionContext(path, { json: true })).toBe(0)
    const report = JSON.parse(out.join('\n')) as { messages: { role: string; text: string }[]; at: string; compaction: unknown }
    vi.restoreAllMocks()
    const pi = piSends(path).map((m) => ({ role: m.role === 'tool' ? 'toolResult' : m.role, text: m.text }))
    expect(report.messages.map(({ role, text }) => ({ role, text }))).toEqual(pi)
    expect(report.at).toBe('e7f8a9b0')
    expect(report.compaction).toBeNull()
  })

  it('--at reads the context at another node: behind the compaction, the summary comes first', async () => {
    const path = await sessionFile(everyEntryTypeV3)
    const out = capture()
    expect(await runSessionContext(path, { json: true, at: 'b8c9d0e1' })).toBe(0)
    const report = JSON.parse(out.join('\n')) as { messages: { id: string; role: string; text: string }[]; compaction: { firstKeptEntryId: string } }
    expect(report.compaction.firstKeptEntryId).toBe('c3d4e5f6')
    expect(report.messages[0]!.text).toContain('<summary>\nUser discussed X\n</summary>')
    // Kept from the tool result on; the user's first message is behind the summary.
    expect(report.messages.map((m) => m.id)).toEqual(['b8c9d0e1', 'c3d4e5f6', 'd4e5f6a7', 'e5f6a7b8'])
    expect(report.messages[2]!.text).toBe('Ran `ls -la`\n```\ntotal 48\n```')
  })

  it('a node that is not in the file is refused with NODE_NOT_FOUND, and the file is not touched', async () => {
    const path = await sessionFile(everyEntryTypeV3)
    const out = capture()
    expect(await runSessionContext(path, { json: true, at: 'nothere' })).toBe(1)
    expect(JSON.parse(out.join('\n'))).toMatchObject({ error: { code: 'NODE_NOT_FOUND' } })
    expect(readFileSync(path, 'utf8')).toBe(everyEntryTypeV3)
  })

  it('runs as `npm run arbor -- session context` on a real Pi session, printing the count it sends', async () => {
    const text = gunzipSync(readFileSync(join(import.meta.dirname, '../../fixtures/pi-sessions/before-compaction.jsonl.gz'))).toString('utf8')
    const path = await sessionFile(text)
    const { stdout } = await promisify(execFile)('npx', ['tsx', 'src/main/cli/arbor.ts', 'session', 'context', path], { cwd: join(import.meta.dirname, '../../..') })
    expect(stdout).toMatch(/compaction [0-9a-f]{8}: summary first, then from [0-9a-f]{8} \(185014 tokens before\)/)
    expect(stdout.trim().split('\n').at(-1)).toMatch(new RegExp(`^${piSends(path).length} messages, `))
  }, 60_000)
})
