import { newEntryId } from './newEntryId'
import type { SessionRecord } from './sessionTypes'

/**
 * Brings the entries of a version 1 or 2 file to version 3, in place, as Pi's `migrateToCurrentVersion`
 * does. Changed entries lose their `raw` line so that they are written in the new form.
 *
 * - 1 → 2: entries get fresh ids and each becomes the child of the one before it (version 1 was linear);
 *   a compaction's `firstKeptEntryIndex` (an index into the file's lines, the header being 0) becomes
 *   `firstKeptEntryId`.
 * - 2 → 3: the message role `hookMessage` becomes `custom`.
 */
export function migrateToV3(version: 1 | 2, records: SessionRecord[]): void {
  if (version === 1) {
    const taken = new Set<string>()
    let previous: string | null = null
    for (const record of records) {
      const entry = record.entry as { id: string; parentId: string | null }
      entry.id = newEntryId(taken)
      taken.add(entry.id)
      entry.parentId = previous
      previous = entry.id
      record.raw = undefined
    }
    for (const record of records) {
      const entry = record.entry as { type: string; firstKeptEntryIndex?: unknown; firstKeptEntryId?: string }
      if (entry.type !== 'compaction' || typeof entry.firstKeptEntryIndex !== 'number') continue
      const target = records[entry.firstKeptEntryIndex - 1]
      if (target) entry.firstKeptEntryId = target.entry.id
      delete entry.firstKeptEntryIndex
    }
  }
  for (const record of records) {
    const entry = record.entry as { type: string; message?: { role?: unknown } }
    if (entry.type === 'message' && entry.message?.role === 'hookMessage') {
      entry.message.role = 'custom'
      record.raw = undefined
    }
  }
}
