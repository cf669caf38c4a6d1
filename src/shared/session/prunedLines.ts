import type { PruneUndo } from './pruneRecords'
import type { SessionEntry, SessionRecord } from './sessionTypes'

/** A prune as lines to keep beside the file, so that it can be undone after the session was closed. */
export type PrunedLines = {
  /** The removed entries' lines, in file order, each with the id of the entry it followed (null: the first). */
  removed: { after: string | null; raw: string }[]
  /** Entries that moved up to a new parent: their lines as they were. */
  reparented: { id: string; raw: string }[]
}

type Numbered = SessionRecord & { seq: number }

/** What undoing a prune puts back, as lines: each removed entry with the kept one it followed in the file. */
export function toPrunedLines<T extends Numbered>(undo: PruneUndo<T>, held: readonly T[]): PrunedLines {
  const removed = undo.removed.map((record) => {
    let after: string | null = null
    for (const kept of held) {
      if (kept.seq > record.seq) break
      after = kept.entry.id
    }
    return { after, raw: record.raw ?? JSON.stringify(record.entry) }
  })
  const reparented = undo.reparented.map((c) => ({ id: c.entry.id, raw: c.raw ?? JSON.stringify(c.entry) }))
  return { removed, reparented }
}

const parse = (raw: string): SessionEntry | null => {
  try {
    const entry = JSON.parse(raw) as SessionEntry
    return typeof entry === 'object' && entry !== null && typeof entry.id === 'string' ? entry : null
  } catch {
    return null
  }
}

/**
 * A prune kept beside the file as an undo of the document read since; null when the file has changed so that it
 * no longer fits (an id it would bring back is in use, or an entry it moved is gone).
 */
export function fromPrunedLines(lines: PrunedLines, byId: ReadonlyMap<string, Numbered>): PruneUndo<Numbered> | null {
  const undo: PruneUndo<Numbered> = { removed: [], reparented: [] }
  let step = 0
  for (const { after, raw } of lines.removed) {
    const entry = parse(raw)
    const anchor = after === null ? -1 : byId.get(after)?.seq
    if (!entry || byId.has(entry.id) || anchor === undefined) return null
    // Between the entry it followed and the next one: restorePruned merges by these numbers.
    undo.removed.push({ entry, raw, line: undefined, seq: anchor + 0.5 + (step++ % 1000) / 2000 })
  }
  for (const { id, raw } of lines.reparented) {
    const record = byId.get(id)
    const entry = parse(raw)
    if (!record || !entry) return null
    undo.reparented.push({ record, entry, raw, replacement: record.entry })
  }
  return undo
}
