import { ArborFailure } from '../errors'
import { messageText } from './messageText'
import type { SessionEntry } from './sessionTypes'

export type SessionScan = {
  /** The header's session id. */
  id: string
  /** The latest `session_info` name. */
  name?: string
  /** Lines that hold an entry (corrupt lines included). */
  entryCount: number
  /** Entries of type `message`. */
  messageCount: number
  /** The text of the first user message, cut to `maxFirstMessage` characters; empty when there is none. */
  firstMessage: string
  /** The header's `parentSession` (a fork's origin). */
  parentSession?: string
  /** The header's working folder (`cwd`). */
  cwd?: string
}

const parse = (line: string): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(line)
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

/**
 * What a session list shows, read quickly: only the header, `session_info` entries and messages up to the
 * first user message are parsed; other lines are recognized by the `{"type":"…",` that Pi and Arbor write
 * first. Throws `SESSION_INVALID` when the first line is not a session header.
 * @param maxFirstMessage Defaults to `200`.
 */
export function scanSession(text: string, maxFirstMessage = 200): SessionScan {
  const lines = text.split('\n')
  let first = 0
  while (first < lines.length && lines[first]!.trim() === '') first++
  const header = parse((lines[first] ?? '').replace(/^\uFEFF/, ''))
  if (!header || header.type !== 'session' || typeof header.id !== 'string')
    throw new ArborFailure('SESSION_INVALID', 'This is not a session file: its first line is not a session header.')
  const scan: SessionScan = { id: header.id, entryCount: 0, messageCount: 0, firstMessage: '' }
  if (typeof header.parentSession === 'string') scan.parentSession = header.parentSession
  if (typeof header.cwd === 'string' && header.cwd) scan.cwd = header.cwd
  for (let i = first + 1; i < lines.length; i++) {
    const line = lines[i]!
    if (line.trim() === '') continue
    scan.entryCount++
    let type: string | undefined
    let entry: Record<string, unknown> | undefined
    if (line.startsWith('{"type":"message",')) type = 'message'
    else if (line.startsWith('{"type":"session_info",')) type = 'session_info'
    else if (!line.startsWith('{"type":"')) {
      entry = parse(line)
      type = typeof entry?.type === 'string' ? entry.type : undefined
    }
    if (type === 'message') {
      scan.messageCount++
      if (scan.firstMessage !== '') continue
      entry ??= parse(line)
      const message = entry?.message as { role?: unknown } | undefined
      if (entry && message?.role === 'user') scan.firstMessage = messageText(entry as SessionEntry).slice(0, maxFirstMessage)
    } else if (type === 'session_info') {
      entry ??= parse(line)
      const name = entry?.name
      // The latest one wins, and an empty name clears it (Pi's `getSessionName`).
      const trimmed = typeof name === 'string' ? name.trim() : ''
      if (trimmed) scan.name = trimmed
      else delete scan.name
    }
  }
  return scan
}
