import type { SessionEntry } from './sessionTypes'

/**
 * Each labelled entry's label, from the label entries in file order: the latest one for a target wins, and an
 * empty or missing label clears it. Targets for which `exists` is false are left out.
 */
export function resolveLabels(entries: readonly SessionEntry[], exists: (id: string) => boolean): Map<string, string> {
  const labels = new Map<string, string>()
  for (const entry of entries) {
    if (entry.type !== 'label') continue
    if (typeof entry.label === 'string' && entry.label !== '') labels.set(entry.targetId, entry.label)
    else labels.delete(entry.targetId)
  }
  for (const id of labels.keys()) if (!exists(id)) labels.delete(id)
  return labels
}
