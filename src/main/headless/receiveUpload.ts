import { randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { link, rm, statfs } from 'node:fs/promises'
import type { IncomingMessage } from 'node:http'
import { dirname } from 'node:path'
import { Transform, type TransformCallback } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { ArborFailure, fail, ok, type Result } from '../../shared/errors'
import { MAX_SESSION_BYTES } from '../core/sessions/sessionFileError'

export type UploadKind = 'model' | 'session' | 'extension'

/** What a kind of upload may be: its first bytes, its size, and the space it must leave on the disk. */
type UploadRule = { check(head: Buffer): ArborFailure | null; maxBytes: number }

const GiB = 1024 ** 3
/** Left free on the disk after an upload: a full disk breaks everything else too. */
export const DISK_RESERVE_BYTES = 1 * GiB

export const uploadRules: Record<UploadKind, UploadRule> = {
  model: {
    check: (head) => (head.subarray(0, 4).toString('latin1') === 'GGUF' ? null : new ArborFailure('GGUF_BAD_MAGIC', 'This is not a GGUF model file (it does not start with "GGUF"). Nothing was kept.')),
    maxBytes: 1024 * GiB,
  },
  session: {
    check: (head) =>
      /^(\uFEFF)?\s*\{/.test(head.subarray(0, 64).toString('utf8')) ? null : new ArborFailure('SESSION_INVALID', 'This is not a session file (a JSON line per entry). Nothing was kept.'),
    // What Arbor opens: a larger one would upload and then not open.
    maxBytes: MAX_SESSION_BYTES,
  },
  extension: {
    check: (head) => (head.includes(0) ? new ArborFailure('EXTENSION_INVALID', 'This is not an extension: it is not text. Nothing was kept.') : null),
    maxBytes: 16 * 1024 ** 2,
  },
}

/** Bytes to see before the kind's check runs: enough for a magic, a first line's start. */
const HEAD_BYTES = 64

/**
 * Passes the body through, refusing it on its first bytes (the kind's check) and past its size limit or the disk's
 * free space, so that a file that is no model, or too large, is not written to the end first.
 */
class UploadGate extends Transform {
  private head: Buffer | null = Buffer.alloc(0)
  private bytes = 0

  constructor(
    private readonly rule: UploadRule,
    private readonly limit: number,
  ) {
    super()
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length
    if (this.bytes > this.limit) return done(tooLarge(this.bytes, this.limit, this.rule))
    if (this.head) {
      this.head = Buffer.concat([this.head, chunk])
      if (this.head.length < HEAD_BYTES) return done()
      const refused = this.rule.check(this.head)
      const head = this.head
      this.head = null
      return done(refused ?? null, refused ? undefined : head)
    }
    done(null, chunk)
  }

  override _flush(done: TransformCallback): void {
    if (!this.head) return done()
    const refused = this.rule.check(this.head)
    done(refused ?? null, refused ? undefined : this.head)
  }
}

const tooLarge = (bytes: number, limit: number, rule: UploadRule): ArborFailure =>
  limit < rule.maxBytes
    ? new ArborFailure('DISK_FULL', `The disk would be full: ${Math.round(bytes / 1024 ** 2)} MB were sent with ${Math.round(limit / 1024 ** 2)} MB left to take. Nothing was kept.`, { neededBytes: bytes, freeBytes: limit })
    : new ArborFailure('FILE_TOO_LARGE', `Too large: uploads of this kind are at most ${Math.round(rule.maxBytes / 1024 ** 2)} MB. Nothing was kept.`, { bytes, limitBytes: rule.maxBytes })

/** Bytes the folder's disk can take, the reserve kept. */
async function freeBytes(folder: string): Promise<number> {
  const info = await statfs(folder).catch(() => null)
  return info ? Math.max(0, info.bavail * info.bsize - DISK_RESERVE_BYTES) : Infinity
}

/**
 * Writes an upload's body to `target`'s folder under a name of its own (`.part`), then to the first free name from
 * `nextName` without overwriting anything (two uploads of one name both succeed). Refused early: a body that fails
 * the kind's first-bytes check, one over the kind's size or the disk's free space (by its Content-Length, or as it
 * comes). The partial file never stays.
 */
export async function receiveUpload(req: IncomingMessage, kind: UploadKind, target: string, nextName: () => Promise<string>): Promise<Result<{ path: string }>> {
  const rule = uploadRules[kind]
  const free = await freeBytes(dirname(target))
  const limit = Math.min(rule.maxBytes, free)
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) return { ok: false, error: tooLarge(declared, limit, rule).toError() }
  const partial = `${target}.${randomBytes(6).toString('hex')}.part`
  try {
    // The request is piped, not part of the pipeline: a refusal must not destroy it, or its socket would go before
    // the answer saying why (the server answers, then closes the connection).
    const gate = new UploadGate(rule, limit)
    const cutOff = (error?: Error) => gate.destroy(error ?? new Error('The upload was cut off.'))
    req.on('error', cutOff)
    req.on('close', () => req.complete || cutOff())
    req.pipe(gate)
    await pipeline(gate, createWriteStream(partial, { flags: 'wx' })).finally(() => req.unpipe(gate))
    let path = target
    for (let attempt = 0; ; attempt++) {
      try {
        // A hard link takes the name only if it is free: nothing of someone else's is overwritten.
        await link(partial, path)
        break
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 20) throw error
        path = await nextName()
      }
    }
    return ok({ path })
  } catch (error) {
    if (error instanceof ArborFailure) return { ok: false, error: error.toError() }
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOSPC') return fail('DISK_FULL', 'The disk is full. Nothing was kept.')
    return fail('UPLOAD_FAILED', `The upload did not complete: ${(error as Error)?.message ?? String(error)}`)
  } finally {
    await rm(partial, { force: true })
  }
}
