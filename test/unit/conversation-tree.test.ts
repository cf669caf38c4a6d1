import { describe, expect, it } from 'vitest'
import { childrenOf, pathTo } from '../../src/shared/conversationTree'
type MessageNode = { id: string; parentId: string | null; role: string; text: string; createdAt: string }

const node = (id: string, parentId: string | null): MessageNode => ({ id, parentId, role: 'user', text: id, createdAt: '' })

describe('conversation tree', () => {
  const nodes = [node('a', null), node('b', 'a'), node('c', 'b'), node('d', 'b')]
  it('builds the context as the path from the root to the selected node', () => {
    expect(pathTo(nodes, 'c').map((n) => n.id)).toEqual(['a', 'b', 'c'])
    expect(pathTo(nodes, 'd').map((n) => n.id)).toEqual(['a', 'b', 'd'])
    expect(pathTo(nodes, null)).toEqual([])
  })
  it('lists siblings under a branch point', () => {
    expect(childrenOf(nodes, 'b').map((n) => n.id)).toEqual(['c', 'd'])
  })
  it('stops at a cycle instead of hanging', () => {
    const cyclic = [node('x', 'y'), node('y', 'x')]
    expect(pathTo(cyclic, 'x').length).toBe(2)
  })
})
