import { describe, expect, it } from 'vitest'
import { messageText } from '../../../src/shared/session/messageText'
import { parseSession } from '../../../src/shared/session/parseSession'
import { SessionDocument } from '../../../src/shared/session/SessionDocument'
import type { NewSessionEntry } from '../../../src/shared/session/sessionTypes'
import { everyEntryTypeV3 } from './sessionFixtures'

describe('session round trip', () => {
  it('reads every entry type and writes the file back byte for byte', () => {
    const { doc, warnings, versionRead } = SessionDocument.parse(everyEntryTypeV3)
    expect(warnings).toEqual([])
    expect(versionRead).toBe(3)
    expect(doc.needsRewrite).toBe(false)
    expect(doc.entries.map((e) => e.type)).toEqual([
      'message', 'message', 'message', 'message', 'message', 'model_change', 'thinking_level_change', 'compaction',
      'branch_summary', 'custom', 'custom_message', 'label', 'session_info', 'message', 'message', 'context_transform', 'message',
    ])
    expect(doc.serialize()).toBe(everyEntryTypeV3)
  })

  it('keeps unknown entry types and unknown fields, also after other entries changed', () => {
    const { doc } = SessionDocument.parse(everyEntryTypeV3)
    doc.append({ type: 'message', message: { role: 'user', content: 'new' } })
    const { token } = doc.prune('b2c3d4e5')
    doc.undo(token)
    const lines = everyEntryTypeV3.split('\n')
    const written = doc.serialize().split('\n')
    expect(written.slice(0, lines.length - 1)).toEqual(lines.slice(0, -1))
    expect(written.find((l) => l.includes('context_transform'))).toContain('"patch":[{"op":"add"}]')
    expect(doc.get('e7f8a9b0')).toMatchObject({ alsoUnknown: true, message: { futureField: { x: [1, 2.5] } } })
    expect(written.find((l) => l.includes('e7f8a9b0'))).toContain('"x":[1,2.50]')
  })

  it('appends entries as valid version 3 lines', () => {
    const { doc } = SessionDocument.parse(everyEntryTypeV3)
    const added: NewSessionEntry[] = [
      { type: 'message', message: { role: 'user', content: 'hi' } },
      { type: 'model_change', provider: 'local', modelId: 'qwen' },
      { type: 'thinking_level_change', thinkingLevel: 'low' },
      { type: 'label', targetId: 'a1b2c3d4', label: 'x' },
      { type: 'session_info', name: 'Named' },
      { type: 'custom', customType: 'arbor.favourite', data: { leafId: 'a1b2c3d4' } },
      { type: 'custom_message', customType: 'arbor.note', content: 'c', display: false },
      { type: 'branch_summary', fromId: 'b8c9d0e1', summary: 's' },
      { type: 'compaction', summary: 's', firstKeptEntryId: 'a1b2c3d4', tokensBefore: 1 },
    ]
    let text = everyEntryTypeV3
    for (const entry of added) {
      const { entry: full, line } = doc.append(entry)
      const parsed = JSON.parse(line) as Record<string, unknown>
      expect(Object.keys(parsed).slice(0, 4)).toEqual(['type', 'id', 'parentId', 'timestamp'])
      expect(parsed.id).toMatch(/^[0-9a-f]{8}$/)
      expect(new Date(parsed.timestamp as string).toISOString()).toBe(parsed.timestamp)
      expect(parsed).toEqual(full)
      text += `${line}\n`
    }
    expect(doc.serialize()).toBe(text)
    const again = parseSession(text)
    expect(again.warnings).toEqual([])
    expect(again.entries).toHaveLength(17 + added.length)
  })

  it('shows the text of each kind of entry', () => {
    const { doc } = SessionDocument.parse(everyEntryTypeV3)
    const text = (id: string) => messageText(doc.get(id)!)
    expect(text('a1b2c3d4')).toBe('Hello é 1.0')
    expect(text('b2c3d4e5')).toBe('Hi!')
    expect(text('c3d4e5f6')).toBe('file.txt')
    expect(text('d4e5f6a7')).toBe('$ ls -la\ntotal 48')
    expect(text('e5f6a7b8')).toBe('injected')
    expect(text('b8c9d0e1')).toBe('User discussed X')
    expect(text('c9d0e1f2')).toBe('Branch explored approach A')
    expect(text('e1f2a3b4')).toBe('Injected context')
    expect(text('b4c5d6e7')).toBe('from before')
    expect(text('c5d6e7f8')).toBe('compacted')
    expect(text('e7f8a9b0')).toBe('future')
    expect(text('f6a7b8c9')).toBe('')
    expect(text('d6e7f8a9')).toBe('')
  })
})
