import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeByteExact, encodeByteExact } from '../../../src/main/core/sessions/byteExactText'
import { createTestCore, unwrap } from '../../helpers/testCore'

/** A line Arbor did not change goes back to disk byte for byte, UTF-8 or not. */
describe('session files byte for byte', () => {
  it('any bytes decode and encode back to themselves', () => {
    let seed = 7
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32
    for (let n = 0; n < 2000; n++) {
      // Mostly text-like bytes with UTF-8 lead and continuation bytes mixed in, so that valid and broken sequences meet.
      const bytes = Buffer.from(Array.from({ length: Math.floor(random() * 64) }, () => (random() < 0.5 ? 0x20 + Math.floor(random() * 0x5f) : Math.floor(random() * 256))))
      expect(encodeByteExact(decodeByteExact(bytes)).equals(bytes)).toBe(true)
    }
  })

  it('valid UTF-8 decodes as usual, astral characters whose low half is in the escape range included', () => {
    for (const text of ['plain', 'café ünïcödé', '🌳 tree', '\u{10080}\u{100FF} linear b', 'a\u{1F333}b']) {
      expect(decodeByteExact(Buffer.from(text))).toBe(text)
      expect(encodeByteExact(text).equals(Buffer.from(text))).toBe(true)
    }
  })

  it('a message with bytes that are not UTF-8 survives a prune elsewhere in the session unchanged', async () => {
    const t = await createTestCore()
    try {
      const path = join(t.sessionsFolder, '2026-12-01T12-00-00-000Z_bytes.jsonl')
      const head = Buffer.from('{"type":"session","version":3,"id":"bytes","timestamp":"2026-12-01T12:00:00.000Z","cwd":"/w"}\n')
      // Latin-1 "café" and a stray 0xFF inside a user message: not UTF-8.
      const odd = Buffer.concat([Buffer.from('{"type":"message","id":"odd00001","parentId":null,"timestamp":"2026-12-01T12:00:01.000Z","message":{"role":"user","content":"caf'), Buffer.of(0xe9, 0x20, 0xff), Buffer.from('!"}}\n')])
      const side = Buffer.from('{"type":"message","id":"side0001","parentId":"odd00001","timestamp":"2026-12-01T12:00:02.000Z","message":{"role":"user","content":"side"}}\n')
      const main = Buffer.from('{"type":"message","id":"main0001","parentId":"odd00001","timestamp":"2026-12-01T12:00:03.000Z","message":{"role":"user","content":"main"}}\n')
      await writeFile(path, Buffer.concat([head, odd, side, main]))
      const view = unwrap(await t.core.request('session.open', { path }))
      expect(view.nodes.find((n) => n.id === 'odd00001')!.text).toMatch(/^caf/)
      unwrap(await t.core.request('tree.prune', { nodeId: 'side0001' }))
      const after = await readFile(path)
      expect(after.includes(odd)).toBe(true)
      expect(after.includes(Buffer.from('side0001'))).toBe(false)
      expect(after.includes(Buffer.from('\uFFFD'))).toBe(false)
    } finally {
      await t.dispose()
    }
  })
})
