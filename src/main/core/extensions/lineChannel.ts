import type { Readable, Writable } from 'node:stream'

/**
 * Messages between the core and a host as lines of JSON over a pipe, each at most `maxBytes`. Node's own IPC
 * channel reads a message whole before anyone can look at it: a host sending 400 MB made the core take and parse
 * 400 MB. Here the reader counts as it goes and stops taking a line past the limit. Used on both sides (the host
 * script bundles it).
 */

/** The most a host may send in one message: a hook's result (16 MB) and its envelope. */
export const MAX_HOST_MESSAGE_BYTES = 24 << 20

/** Writes one message as a line. */
export function writeLine(stream: Writable, message: unknown): void {
  if (!stream.writable) return
  stream.write(`${JSON.stringify(message)}\n`)
}

/**
 * Reads lines of JSON from `stream`: each parsed message to `onMessage`; a line over `maxBytes` or one that is not
 * JSON to `onViolation` (and nothing more is read: the sender is not to be trusted any further).
 */
export function readLines(stream: Readable, maxBytes: number, onMessage: (message: unknown) => void, onViolation: (reason: string) => void): void {
  let parts: Buffer[] = []
  let length = 0
  let broken = false
  const fail = (reason: string) => {
    broken = true
    parts = []
    stream.pause()
    onViolation(reason)
  }
  stream.on('data', (chunk: Buffer) => {
    if (broken) return
    let start = 0
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, at)
      start = at + 1
      if (length + piece.length > maxBytes) return fail(`sent a message over ${Math.round(maxBytes / 1024 ** 2)} MB`)
      const line = parts.length === 0 ? piece.toString('utf8') : Buffer.concat([...parts, piece]).toString('utf8')
      parts = []
      length = 0
      let message: unknown
      try {
        message = JSON.parse(line)
      } catch {
        return fail('sent a message that is not JSON')
      }
      onMessage(message)
      if (broken) return
    }
    const rest = chunk.subarray(start)
    length += rest.length
    if (length > maxBytes) return fail(`sent a message over ${Math.round(maxBytes / 1024 ** 2)} MB`)
    if (rest.length > 0) parts.push(Buffer.from(rest))
  })
}
