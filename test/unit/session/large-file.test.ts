import { describe, expect, it } from 'vitest'
import { SessionDocument } from '../../../src/shared/session/SessionDocument'
import { header } from './sessionFixtures'

/** 100,000 entries, about 50 MB: a long conversation with a branch every 50 turns. */
function bigSession(count: number): string {
  const filler = 'lorem ipsum dolor sit amet '.repeat(12)
  const lines = [header('big')]
  for (let i = 0; i < count; i++) {
    const id = i.toString(16).padStart(8, '0')
    const parent = i === 0 ? null : (i % 50 === 0 ? i - 2 : i - 1).toString(16).padStart(8, '0')
    const message =
      i % 2 === 0
        ? { role: 'user', content: `question ${i} ${filler}` }
        : { role: 'assistant', content: [{ type: 'text', text: `answer ${i} ${filler}` }], api: 'local', provider: 'arbor', model: 'm', stopReason: 'stop' }
    lines.push(JSON.stringify({ type: 'message', id, parentId: parent, timestamp: '2024-12-03T14:00:01.000Z', message }))
  }
  return `${lines.join('\n')}\n`
}

describe('a large session file', () => {
  it('parses 100,000 entries (~50 MB) in well under the time a person waits', () => {
    const text = bigSession(100_000)
    expect(text.length).toBeGreaterThan(45_000_000)
    const started = performance.now()
    const { doc, warnings } = SessionDocument.parse(text)
    const parseMs = performance.now() - started
    expect(warnings).toEqual([])
    expect(doc.entries).toHaveLength(100_000)
    const info = doc.info()
    expect(info.branchPoints).toBe(1999)
    expect(doc.pathTo(doc.leafId).length).toBeGreaterThan(90_000)
    expect(doc.serialize()).toBe(text)
    const totalMs = performance.now() - started
    // A report, not an assertion: speed targets live in the benchmark.
    console.log(`100k entries, ${(text.length / 1e6).toFixed(1)} MB: parse ${parseMs.toFixed(0)} ms, parse+info+path+serialize ${totalMs.toFixed(0)} ms`)
  }, 60_000)
})
