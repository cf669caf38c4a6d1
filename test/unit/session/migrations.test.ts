import { describe, expect, it } from 'vitest'
import { SessionDocument } from '../../../src/shared/session/SessionDocument'
import { linearV1, treeV2 } from './sessionFixtures'

describe('session format migrations', () => {
  it('migrates version 1 to 3: ids assigned, each entry the child of the one before', () => {
    const { doc, versionRead, warnings } = SessionDocument.parse(linearV1)
    expect(versionRead).toBe(1)
    expect(warnings).toEqual([])
    expect(doc.header.version).toBe(3)
    expect(doc.header).toMatchObject({ id: 'v1-session', cwd: '/old', provider: 'anthropic' })
    const entries = doc.entries
    expect(entries).toHaveLength(5)
    entries.forEach((entry, i) => {
      expect(entry.id).toMatch(/^[0-9a-f]{8}$/)
      expect(entry.parentId).toBe(i === 0 ? null : entries[i - 1]!.id)
    })
    const compaction = entries[3]!
    expect(compaction).toMatchObject({ type: 'compaction', firstKeptEntryId: entries[1]!.id })
    expect(compaction).not.toHaveProperty('firstKeptEntryIndex')
    expect(entries[4]).toMatchObject({ type: 'message', message: { role: 'custom', content: 'hooked' } })
    expect(doc.needsRewrite).toBe(true)
  })

  it('writes a migrated version 1 file as clean version 3 that reads back the same', () => {
    const { doc } = SessionDocument.parse(linearV1)
    const text = doc.serialize()
    expect(text.split('\n')[0]).toContain('"version":3')
    const again = SessionDocument.parse(text)
    expect(again.versionRead).toBe(3)
    expect(again.warnings).toEqual([])
    expect(again.doc.needsRewrite).toBe(false)
    expect(again.doc.entries).toEqual(doc.entries)
    expect(again.doc.serialize()).toBe(text)
  })

  it('migrates version 2 to 3: hookMessage becomes custom, other lines untouched', () => {
    const { doc, versionRead, warnings } = SessionDocument.parse(treeV2)
    expect(versionRead).toBe(2)
    expect(warnings).toEqual([])
    expect(doc.get('22222222')).toMatchObject({ message: { role: 'custom', customType: 'h' } })
    expect(doc.children('11111111').map((e) => e.id)).toEqual(['22222222', '33333333'])
    const written = doc.serialize().split('\n')
    const original = treeV2.split('\n')
    expect(written[0]).toBe(original[0]!.replace('"version":2', '"version":3'))
    expect(written[1]).toBe(original[1])
    expect(written[2]).toBe(original[2]!.replace('hookMessage', 'custom'))
    expect(written[3]).toBe(original[3])
  })
})
