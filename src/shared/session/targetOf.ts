import { isArborCustom } from './isArborCustom'
import type { SessionEntry } from './sessionTypes'

/**
 * The entry that a bookkeeping entry is about: a label's `targetId`, or for an Arbor `custom` entry the
 * `targetId` (or else `leafId`) string in its data. Undefined for every other entry.
 */
export function targetOf(entry: SessionEntry): string | undefined {
  if (entry.type === 'label') return typeof entry.targetId === 'string' ? entry.targetId : undefined
  if (entry.type !== 'custom' || !isArborCustom(entry)) return undefined
  const data = entry.data
  if (typeof data !== 'object' || data === null) return undefined
  const { targetId, leafId } = data as { targetId?: unknown; leafId?: unknown }
  if (typeof targetId === 'string') return targetId
  return typeof leafId === 'string' ? leafId : undefined
}
