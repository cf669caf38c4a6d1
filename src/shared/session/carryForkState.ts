import { isArborCustom } from './isArborCustom'
import type { SessionDocument } from './SessionDocument'
import type { SessionEntry } from './sessionTypes'
import { targetOf } from './targetOf'

/**
 * Appends to a fork what lies off its path but belongs to it: a label entry for each path entry whose label
 * in the source differs from the fork's, or that the source has cleared (Pi's `createBranchedSession` does the same), and a copy of the latest
 * `arbor.*` entry of each type (per target, for entries that target a path entry) that is not on the path.
 *
 * Label entries on the path stay where they are: Pi chains the next message under a label, so dropping them
 * would cut the path.
 */
export function carryForkState(source: SessionDocument, fork: SessionDocument): void {
  const onPath = new Set(fork.entries.map((e) => e.id))
  const forkLabels = fork.labels()
  const sourceLabels = source.labels()
  for (const [targetId, label] of sourceLabels)
    if (onPath.has(targetId) && forkLabels.get(targetId) !== label) fork.append({ type: 'label', targetId, label })
  for (const targetId of forkLabels.keys()) if (!sourceLabels.has(targetId)) fork.append({ type: 'label', targetId })
  const latest = new Map<string, SessionEntry>()
  for (const entry of source.entries) {
    if (entry.type !== 'custom' || !isArborCustom(entry)) continue
    const target = targetOf(entry)
    if (target === undefined || onPath.has(target)) latest.set(`${entry.customType}\n${target ?? ''}`, entry)
  }
  for (const entry of latest.values())
    if (entry.type === 'custom' && !onPath.has(entry.id)) fork.append({ type: 'custom', customType: entry.customType, data: structuredClone(entry.data) })
}
