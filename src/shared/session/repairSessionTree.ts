import { newEntryId } from './newEntryId'
import type { SessionRecord, SessionWarning } from './sessionTypes'

type Loose = { id?: unknown; parentId?: unknown }

const at = (record: SessionRecord) => (record.line === undefined ? 'An entry' : `Line ${record.line}`)

/**
 * Makes the entries one well-formed forest, in linear time, and reports each repair. Repaired entries lose
 * their `raw` line. The rules:
 *
 * - An entry without an id gets a fresh one.
 * - An id seen before: when the line is identical to the first one with that id (a line written twice), the
 *   later copy is dropped; otherwise the later entry gets a fresh id. A `parentId` names the latest entry
 *   with that id that comes before it in the file (entries are written after their parents), and the first
 *   one if none does.
 * - A `parentId` that names no entry, or is missing, becomes null: the entry becomes a root (as Pi's tree
 *   view already shows such entries).
 * - Parents that form a loop: the entry of the loop that comes first in the file becomes a root.
 *
 * Returns the entries that remain, in file order.
 */
export function repairSessionTree(records: SessionRecord[], warnings: SessionWarning[]): SessionRecord[] {
  const taken = new Set<string>()
  for (const record of records) {
    const id = (record.entry as Loose).id
    if (typeof id === 'string' && id !== '') taken.add(id)
  }
  const fresh = () => {
    const id = newEntryId(taken)
    taken.add(id)
    return id
  }

  const latest = new Map<string, string>()
  const firstLine = new Map<string, { raw: string | undefined; line: number | undefined }>()
  const kept: SessionRecord[] = []
  for (const record of records) {
    const entry = record.entry as Loose
    const raw = record.raw
    if (typeof entry.parentId === 'string') {
      const mapped = latest.get(entry.parentId)
      if (mapped !== undefined && mapped !== entry.parentId) {
        entry.parentId = mapped
        record.raw = undefined
      }
    }
    const id = entry.id
    if (typeof id !== 'string' || id === '') {
      const given = fresh()
      entry.id = given
      record.raw = undefined
      warnings.push({ code: 'SESSION_MISSING_ID', line: record.line, entryId: given, message: `${at(record)} has no id; it was given ${given}.` })
    } else {
      const first = firstLine.get(id)
      if (first === undefined) {
        firstLine.set(id, { raw, line: record.line })
        latest.set(id, id)
      } else if (raw !== undefined && raw === first.raw) {
        warnings.push({ code: 'SESSION_DUPLICATE_ID', line: record.line, entryId: id, message: `${at(record)} repeats line ${first.line} exactly; the copy was dropped.` })
        continue
      } else {
        const given = fresh()
        entry.id = given
        latest.set(id, given)
        record.raw = undefined
        warnings.push({
          code: 'SESSION_DUPLICATE_ID',
          line: record.line,
          entryId: given,
          message: `${at(record)} reuses id ${id} of line ${first.line}; it was given ${given}, and the entries after it that name ${id} as parent now point to it.`,
        })
      }
    }
    kept.push(record)
  }

  const index = new Map<string, number>()
  kept.forEach((record, i) => index.set(record.entry.id, i))
  const parentIndex = new Int32Array(kept.length)
  kept.forEach((record, i) => {
    const entry = record.entry as Loose
    const parent = entry.parentId
    const found = typeof parent === 'string' ? index.get(parent) : undefined
    if (found !== undefined) {
      parentIndex[i] = found
      return
    }
    parentIndex[i] = -1
    if (parent === null) return
    entry.parentId = null
    record.raw = undefined
    const why = typeof parent === 'string' ? `names parent ${parent}, which is not in the file` : 'has no parentId'
    warnings.push({ code: 'SESSION_DANGLING_PARENT', line: record.line, entryId: record.entry.id, message: `${at(record)} (${record.entry.id}) ${why}; it is now a root.` })
  })

  breakCycles(kept, parentIndex, warnings)
  return kept
}

/** Walks every parent chain once; a chain that meets itself is a loop, cut at its earliest entry. */
function breakCycles(kept: SessionRecord[], parentIndex: Int32Array, warnings: SessionWarning[]): void {
  const state = new Uint8Array(kept.length)
  const walk: number[] = []
  for (let start = 0; start < kept.length; start++) {
    let i = start
    while (i !== -1 && state[i] === 0) {
      state[i] = 1
      walk.push(i)
      i = parentIndex[i]!
    }
    if (i !== -1 && state[i] === 1) {
      const loop = walk.slice(walk.indexOf(i))
      let earliest = i
      for (const j of loop) earliest = Math.min(earliest, j)
      const record = kept[earliest]!
      ;(record.entry as Loose).parentId = null
      record.raw = undefined
      parentIndex[earliest] = -1
      warnings.push({
        code: 'SESSION_CYCLE',
        line: record.line,
        entryId: record.entry.id,
        message: `${loop.length} entries name each other as parents in a loop; ${at(record).toLowerCase()} (${record.entry.id}) is now a root.`,
      })
    }
    for (const j of walk) state[j] = 2
    walk.length = 0
  }
}
