import { ArborFailure } from '../errors'
import { migrateToV3 } from './migrateToV3'
import { repairSessionTree } from './repairSessionTree'
import {
  CURRENT_SESSION_VERSION,
  type SessionEntry,
  type SessionHeader,
  type SessionRecord,
  type SessionVersion,
  type SessionWarning,
} from './sessionTypes'

export type ParsedSession = {
  header: SessionHeader
  /** The header line as read; undefined when the header was changed (by a migration). */
  headerRaw: string | undefined
  /** The entries in file order, with their lines. */
  records: SessionRecord[]
  /** The entries in file order. */
  entries: SessionEntry[]
  versionRead: SessionVersion
  warnings: SessionWarning[]
  /**
   * Whether the file differs from what `serialize` would write: migrated, repaired, lines skipped, or no
   * newline at the end. Appending to such a file is unsafe (ids may have been reassigned), so the first write
   * rewrites it whole.
   */
  needsRewrite: boolean
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line)
  } catch {
    return undefined
  }
}

/**
 * Reads a session file's text. A line that is not an entry is skipped with a warning naming its line number;
 * versions 1 and 2 are migrated to 3 in memory; ids and parents are repaired (see `repairSessionTree`). Runs in
 * time linear in the file's size.
 *
 * Throws `ArborFailure` `SESSION_INVALID` when the text is empty or its first line is not a session header.
 */
export function parseSession(text: string): ParsedSession {
  const lines = text.split('\n')
  const terminated = lines[lines.length - 1] === ''
  if (terminated) lines.pop()

  let first = 0
  while (first < lines.length && lines[first]!.trim() === '') first++
  const headerLine = lines[first]
  if (headerLine === undefined) throw new ArborFailure('SESSION_INVALID', 'The session file is empty.')
  const header = parseJson(headerLine.replace(/^\uFEFF/, ''))
  if (!isObject(header) || header.type !== 'session' || typeof header.id !== 'string')
    throw new ArborFailure(
      'SESSION_INVALID',
      `This is not a session file: its first line is not a session header (line ${first + 1}).`,
    )
  if (typeof header.cwd !== 'string') header.cwd = ''
  let headerRaw: string | undefined = headerLine

  const warnings: SessionWarning[] = []
  let needsRewrite = first > 0 || !terminated
  const records: SessionRecord[] = []
  for (let i = first + 1; i < lines.length; i++) {
    const line = lines[i]!
    if (line.trim() === '') {
      needsRewrite = true
      continue
    }
    const value = parseJson(line)
    const number = i + 1
    if (!isObject(value) || typeof value.type !== 'string') {
      needsRewrite = true
      if (value === undefined && i === lines.length - 1 && !terminated)
        warnings.push({ code: 'SESSION_LINE_TORN', line: number, message: `Line ${number} is incomplete: the last write was interrupted. It was skipped.` })
      else
        warnings.push({
          code: 'SESSION_LINE_CORRUPT',
          line: number,
          message: `Line ${number} is ${value === undefined ? 'not valid JSON' : 'not a session entry'}; it was skipped.`,
        })
      continue
    }
    if (value.type === 'session') {
      needsRewrite = true
      warnings.push({ code: 'SESSION_EXTRA_HEADER', line: number, message: `Line ${number} is a second session header; it was skipped.` })
      continue
    }
    records.push({ entry: value as SessionEntry, raw: line, line: number })
  }

  const version = typeof header.version === 'number' ? header.version : 1
  const versionRead: SessionVersion = version >= 3 ? 3 : version >= 2 ? 2 : 1
  if (version > CURRENT_SESSION_VERSION)
    warnings.push({ code: 'SESSION_VERSION_NEWER', line: first + 1, message: `The file says it is version ${version}; Arbor reads it as version ${CURRENT_SESSION_VERSION}.` })
  if (versionRead < 3) {
    migrateToV3(versionRead as 1 | 2, records)
    header.version = CURRENT_SESSION_VERSION
    headerRaw = undefined
    needsRewrite = true
  }

  const warningsBefore = warnings.length
  const kept = repairSessionTree(records, warnings)
  if (warnings.length > warningsBefore) needsRewrite = true
  warnings.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity))

  return {
    header: header as SessionHeader,
    headerRaw,
    records: kept,
    entries: kept.map((r) => r.entry),
    versionRead,
    warnings,
    needsRewrite,
  }
}
