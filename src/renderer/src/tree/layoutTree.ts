import { stratify, tree } from 'd3-hierarchy'
import { CARD_HEIGHT, CARD_WIDTH, GAP_X, GAP_Y } from './flowTypes'

type Row = { id: string; parentId: string | null }

export type Point = { x: number; y: number }

// Joins several roots under one, so that a forest lays out as a single tree.
const VIRTUAL_ROOT = '\u0000root'

/**
 * Top-down tidy-tree positions (Reingold–Tilford, from d3-hierarchy) of the shown nodes,
 * as the top-left corners of their cards. `ids` must list parents before children.
 */
export function layoutTree(ids: readonly string[], parentOf: ReadonlyMap<string, string | null>): Map<string, Point> {
  const positions = new Map<string, Point>()
  if (ids.length === 0) return positions
  const rows: Row[] = [{ id: VIRTUAL_ROOT, parentId: null }]
  for (const id of ids) rows.push({ id, parentId: parentOf.get(id) ?? VIRTUAL_ROOT })
  const root = stratify<Row>()
    .id((d) => d.id)
    .parentId((d) => d.parentId)(rows)
  const rowHeight = CARD_HEIGHT + GAP_Y
  tree<Row>()
    .nodeSize([CARD_WIDTH + GAP_X, rowHeight])
    .separation((a, b) => (a.parent === b.parent ? 1 : 1.25))(root)
  root.each((node) => {
    if (node.data.id === VIRTUAL_ROOT) return
    positions.set(node.data.id, { x: (node.x ?? 0) - CARD_WIDTH / 2, y: (node.y ?? 0) - rowHeight })
  })
  return positions
}
