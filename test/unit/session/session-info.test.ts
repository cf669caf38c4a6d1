import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { runSessionInfo } from '../../../src/main/cli/runSessionInfo'
import { file, treeV2, userLine } from './sessionFixtures'

const small = file(
  userLine('aaaaaaaa', null, 'hello'),
  userLine('bbbbbbbb', 'aaaaaaaa', 'first try'),
  userLine('cccccccc', 'aaaaaaaa', 'second try'),
  '{"type":"label","id":"dddddddd","parentId":"cccccccc","timestamp":"2024-12-03T14:30:00.000Z","targetId":"bbbbbbbb","label":"keep"}',
  'garbage',
  userLine('eeeeeeee', 'ffffffff', 'lost parent'),
)

function capture() {
  const out: string[] = []
  const err: string[] = []
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void out.push(args.join(' ')))
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void err.push(args.join(' ')))
  return { out, err }
}

describe('arbor session info', () => {
  let dir = ''
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'arbor-session-info-'))
    await writeFile(join(dir, 'small.jsonl'), small)
    await writeFile(join(dir, 'v2.jsonl'), treeV2)
    await writeFile(join(dir, 'not-a-session.jsonl'), 'hello\n')
  })
  afterEach(() => void vi.restoreAllMocks())
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('prints version, counts, branches, leaf, labels and every warning', async () => {
    const { out } = capture()
    expect(await runSessionInfo(join(dir, 'small.jsonl'), false)).toBe(0)
    const text = out.join('\n')
    expect(text).toContain('format         version 3')
    expect(text).toContain('entries        5 (4 messages)')
    expect(text).toContain('tree           2 roots, 1 branch point, 3 leaves')
    expect(text).toContain('current leaf   eeeeeeee')
    expect(text).toContain('labels         bbbbbbbb "keep"')
    expect(text).toContain('warnings         2')
    expect(text).toMatch(/SESSION_LINE_CORRUPT {2}Line 6 is not valid JSON/)
    expect(text).toMatch(/SESSION_DANGLING_PARENT {2}Line 7 \(eeeeeeee\) names parent ffffffff/)
    expect(await readFile(join(dir, 'small.jsonl'), 'utf8')).toBe(small)
  })

  it('prints the same facts as JSON', async () => {
    const { out } = capture()
    expect(await runSessionInfo(join(dir, 'small.jsonl'), true)).toBe(0)
    const report = JSON.parse(out.join('\n')) as Record<string, unknown>
    expect(report).toMatchObject({
      versionRead: 3,
      sessionId: 'test-session',
      entryCount: 5,
      messageCount: 4,
      roots: 2,
      branchPoints: 1,
      leaves: 3,
      leafId: 'eeeeeeee',
      labels: { bbbbbbbb: 'keep' },
      warnings: [
        { code: 'SESSION_LINE_CORRUPT', line: 6 },
        { code: 'SESSION_DANGLING_PARENT', line: 7, entryId: 'eeeeeeee' },
      ],
    })
  })

  it('tells which version an old file was written in, without rewriting it', async () => {
    const { out } = capture()
    expect(await runSessionInfo(join(dir, 'v2.jsonl'), false)).toBe(0)
    expect(out.join('\n')).toContain('format         version 2 (read as version 3')
    expect(await readFile(join(dir, 'v2.jsonl'), 'utf8')).toBe(treeV2)
  })

  it('exits non-zero with a clear error for a file it cannot read', async () => {
    const { err, out } = capture()
    expect(await runSessionInfo(join(dir, 'missing.jsonl'), false)).toBe(1)
    expect(await runSessionInfo(join(dir, 'not-a-session.jsonl'), false)).toBe(1)
    expect(await runSessionInfo(dir, false)).toBe(1)
    expect(err).toEqual([
      expect.stringMatching(/^Error FILE_NOT_FOUND: No session file at .*missing\.jsonl/),
      expect.stringMatching(/^Error SESSION_INVALID: .*not-a-session\.jsonl: This is not a session file/),
      expect.stringMatching(/^Error FILE_IS_DIRECTORY: /),
    ])
    expect(await runSessionInfo(join(dir, 'missing.jsonl'), true)).toBe(1)
    expect(JSON.parse(out.join('\n'))).toMatchObject({ error: { code: 'FILE_NOT_FOUND' } })
  })
})
