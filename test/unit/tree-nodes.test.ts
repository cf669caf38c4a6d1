import { describe, expect, it } from 'vitest'
import type { SessionEntry } from '../../src/shared/session/sessionTypes'
import { contextMessages } from '../../src/shared/tree/contextMessages'
import { nearestNode, treeNodes } from '../../src/shared/tree/treeNodes'

const t = '2025-01-01T00:00:00.000Z'
const user = (id: string, parentId: string | null, text: string): SessionEntry => ({ type: 'message', id, parentId, timestamp: t, message: { role: 'user', content: text } })
const assistant = (id: string, parentId: string | null, text: string): SessionEntry =>
  ({ type: 'message', id, parentId, timestamp: t, message: { role: 'assistant', api: 'arbor', provider: 'llama.cpp', model: 'm', content: [{ type: 'text', text }, { type: 'thinking', thinking: 'hidden' }] } }) as unknown as SessionEntry
const label = (id: string, parentId: string | null, targetId: string): SessionEntry => ({ type: 'label', id, parentId, timestamp: t, targetId, label: 'x' })
const custom = (id: string, parentId: string | null): SessionEntry => ({ type: 'custom', id, parentId, timestamp: t, customType: 'arbor.turn', data: {} })

describe('tree nodes from session entries', () => {
  const entries = [user('u1', null, 'Hi'), assistant('a1', 'u1', 'Hello'), custom('c1', 'a1'), label('l1', 'c1', 'a1'), user('u2', 'l1', 'More?')]

  it('makes messages nodes and skips bookkeeping, keeping the conversation connected', () => {
    const nodes = treeNodes(entries)
    expect(nodes.map((n) => [n.id, n.parentId, n.kind])).toEqual([
      ['u1', null, 'user'],
      ['a1', 'u1', 'assistant'],
      ['u2', 'a1', 'user'],
    ])
    expect(nodes[1]!.text).toBe('Hello')
  })

  it('finds the node at or above the last entry (the position when a file is opened)', () => {
    const byId = new Map(entries.map((e) => [e.id, e]))
    expect(nearestNode(byId, 'l1')).toBe('a1')
    expect(nearestNode(byId, 'u2')).toBe('u2')
    expect(nearestNode(byId, null)).toBeNull()
  })

  it('turns the path into what the model reads, summaries as user messages', () => {
    const summary: SessionEntry = { type: 'branch_summary', id: 's1', parentId: 'a1', timestamp: t, fromId: 'x', summary: 'We tried X.' }
    const messages = contextMessages([...entries.slice(0, 2), summary])
    expect(messages).toEqual([
      { role: 'user', text: 'Hi', id: entries[0]!.id },
      { role: 'assistant', text: 'Hello', id: entries[1]!.id },
      { role: 'user', text: expect.stringContaining('We tried X.'), id: 's1' },
    ])
    // Another model's reasoning is sent as text, as Pi sends it.
    const foreign = { ...entries[1]!, message: { ...(entries[1] as { message: object }).message, api: 'anthropic-messages', provider: 'anthropic' } } as SessionEntry
    expect(contextMessages([entries[0]!, foreign])[1]!.text).toBe('Hellohidden')
  })

  it('resolves parents through a long chain of bookkeeping (no recursion limit)', () => {
    const many: SessionEntry[] = [user('u0', null, 'start')]
    for (let i = 0; i < 50_000; i++) many.push(custom(`c${i}`, i === 0 ? 'u0' : `c${i - 1}`))
    many.push(user('end', 'c49999', 'end'))
    const nodes = treeNodes(many)
    expect(nodes.at(-1)).toMatchObject({ id: 'end', parentId: 'u0' })
  })
})
