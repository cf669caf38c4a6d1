import { describe, expect, it } from 'vitest'
import { parseSession } from '../../../src/shared/session/parseSession'
import { SessionDocument } from '../../../src/shared/session/SessionDocument'
import { file, header, userLine } from './sessionFixtures'

const codes = (text: string) => parseSession(text).warnings.map((w) => [w.code, w.line])

describe('corrupt session files', () => {
  it('skips a torn last line with a warning and loads the rest', () => {
    const text = file(userLine('aaaaaaaa', null), userLine('bbbbbbbb', 'aaaaaaaa')) + userLine('cccccccc', 'bbbbbbbb').slice(0, 40)
    const parsed = parseSession(text)
    expect(parsed.entries.map((e) => e.id)).toEqual(['aaaaaaaa', 'bbbbbbbb'])
    expect(parsed.warnings).toEqual([expect.objectContaining({ code: 'SESSION_LINE_TORN', line: 4 })])
    expect(parsed.needsRewrite).toBe(true)
  })

  it('accepts a complete last line without a newline, and rewrites the file with one', () => {
    const text = file(userLine('aaaaaaaa', null)).slice(0, -1)
    const { doc, warnings } = SessionDocument.parse(text)
    expect(warnings).toEqual([])
    expect(doc.needsRewrite).toBe(true)
    expect(doc.serialize()).toBe(`${text}\n`)
  })

  it('skips a garbage line in the middle, naming its line number', () => {
    const text = file(userLine('aaaaaaaa', null), '{"type":"message","id":"zz', userLine('bbbbbbbb', 'aaaaaaaa'), '[1,2]', '   ', '{"no":"type"}')
    const parsed = parseSession(text)
    expect(parsed.entries.map((e) => e.id)).toEqual(['aaaaaaaa', 'bbbbbbbb'])
    expect(codes(text)).toEqual([
      ['SESSION_LINE_CORRUPT', 3],
      ['SESSION_LINE_CORRUPT', 5],
      ['SESSION_LINE_CORRUPT', 7],
    ])
    expect(parsed.warnings[0]!.message).toContain('Line 3')
    expect(SessionDocument.parse(text).doc.serialize()).toBe(file(userLine('aaaaaaaa', null), userLine('bbbbbbbb', 'aaaaaaaa')))
  })

  it('drops an exact repeat of a line, and gives a fresh id to a different entry that reuses an id', () => {
    const a = userLine('aaaaaaaa', null)
    const text = file(a, userLine('bbbbbbbb', 'aaaaaaaa'), a, userLine('bbbbbbbb', 'aaaaaaaa', 'other'), userLine('cccccccc', 'bbbbbbbb'), userLine('dddddddd', 'bbbbbbbb'))
    const { doc, warnings } = SessionDocument.parse(text)
    expect(warnings.map((w) => [w.code, w.line])).toEqual([
      ['SESSION_DUPLICATE_ID', 4],
      ['SESSION_DUPLICATE_ID', 5],
    ])
    expect(doc.entries).toHaveLength(5)
    const renamed = doc.entries[2]!
    expect(renamed.id).not.toBe('bbbbbbbb')
    expect(renamed.id).toMatch(/^[0-9a-f]{8}$/)
    expect(warnings[1]!.entryId).toBe(renamed.id)
    // Entries after the second "bbbbbbbb" name it as parent: they now point to the renamed one.
    expect(doc.get('cccccccc')!.parentId).toBe(renamed.id)
    expect(doc.get('dddddddd')!.parentId).toBe(renamed.id)
    expect(doc.children('bbbbbbbb')).toEqual([])
    const again = SessionDocument.parse(doc.serialize())
    expect(again.warnings).toEqual([])
  })

  it('makes an entry whose parent is missing a root, and says so', () => {
    const text = file(userLine('aaaaaaaa', null), userLine('bbbbbbbb', 'deadbeef'), userLine('cccccccc', 'bbbbbbbb'), '{"type":"custom","id":"dddddddd","timestamp":"t","customType":"x"}')
    const { doc, warnings } = SessionDocument.parse(text)
    expect(warnings).toEqual([
      expect.objectContaining({ code: 'SESSION_DANGLING_PARENT', line: 3, entryId: 'bbbbbbbb', message: expect.stringContaining('deadbeef') }),
      expect.objectContaining({ code: 'SESSION_DANGLING_PARENT', line: 5, entryId: 'dddddddd', message: expect.stringContaining('no parentId') }),
    ])
    expect(doc.children(null).map((e) => e.id)).toEqual(['aaaaaaaa', 'bbbbbbbb', 'dddddddd'])
    expect(doc.pathTo('cccccccc').map((e) => e.id)).toEqual(['bbbbbbbb', 'cccccccc'])
  })

  it('breaks a cycle at its earliest entry, and a self-parent', () => {
    const text = file(userLine('aaaaaaaa', 'cccccccc'), userLine('bbbbbbbb', 'aaaaaaaa'), userLine('cccccccc', 'bbbbbbbb'), userLine('dddddddd', 'cccccccc'), userLine('eeeeeeee', 'eeeeeeee'))
    const { doc, warnings } = SessionDocument.parse(text)
    expect(warnings.map((w) => [w.code, w.line, w.entryId])).toEqual([
      ['SESSION_CYCLE', 2, 'aaaaaaaa'],
      ['SESSION_CYCLE', 6, 'eeeeeeee'],
    ])
    expect(doc.pathTo('dddddddd').map((e) => e.id)).toEqual(['aaaaaaaa', 'bbbbbbbb', 'cccccccc', 'dddddddd'])
    expect(doc.get('eeeeeeee')!.parentId).toBeNull()
  })

  it('gives an entry without an id a fresh one', () => {
    const text = file(userLine('aaaaaaaa', null), '{"type":"message","parentId":"aaaaaaaa","timestamp":"t","message":{"role":"user","content":"x"}}')
    const { doc, warnings } = SessionDocument.parse(text)
    expect(warnings).toEqual([expect.objectContaining({ code: 'SESSION_MISSING_ID', line: 3 })])
    expect(doc.children('aaaaaaaa')[0]!.id).toMatch(/^[0-9a-f]{8}$/)
  })

  it('skips a second header, and reads a newer version as 3 with a warning', () => {
    expect(codes(file(header('other'), userLine('aaaaaaaa', null)))).toEqual([['SESSION_EXTRA_HEADER', 2]])
    const newer = `${JSON.stringify({ type: 'session', version: 4, id: 'x', timestamp: 't', cwd: '/' })}\n`
    const { doc, warnings, versionRead } = SessionDocument.parse(newer)
    expect(versionRead).toBe(3)
    expect(warnings).toEqual([expect.objectContaining({ code: 'SESSION_VERSION_NEWER' })])
    expect(doc.serialize()).toBe(newer)
  })

  it('refuses a file that is not a session: SESSION_INVALID', () => {
    for (const text of ['', '\n\n', 'not json at all\n', '{"type":"message","id":"a"}\n', '[1,2,3]\n', '{"type":"session"}\n', '\u0000\u0001binary'])
      expect(() => parseSession(text), JSON.stringify(text)).toThrow(expect.objectContaining({ code: 'SESSION_INVALID' }))
    expect(() => parseSession('')).toThrow(/empty/)
  })

  it('reads CRLF line endings and a byte order mark, and writes them back unchanged', () => {
    const text = `\uFEFF${header()}\r\n${userLine('aaaaaaaa', null)}\r\n`
    const { doc, warnings } = SessionDocument.parse(text)
    expect(warnings).toEqual([])
    expect(doc.entries).toHaveLength(1)
    expect(doc.serialize()).toBe(text)
  })
})
