import { createHash, randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readFile, rename, rm, stat } from 'node:fs/promises'
import type { Stats } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { z } from 'zod'
import { loadSettingsSchema } from '../../../shared/contract/modelSchemas'
import type { LoadSettings } from '../../../shared/types'
import { writeSynced } from '../writeSynced'

/** The library's file, kept in the models folder (a dot file: never listed as a model). */
export const LIBRARY_FILE_NAME = '.arbor-library.json'

const recordSchema = z.object({ lastUsedAt: z.number(), settings: loadSettingsSchema })
const hashSchema = z.object({ size: z.number(), mtimeMs: z.number(), sha256: z.string().regex(/^[0-9a-f]{64}$/) })
/** A download that did not finish (paused, failed, or running when Arbor quit): offered again at the next start. */
const downloadSchema = z.object({ id: z.string(), ref: z.string(), fileName: z.string(), totalBytes: z.number(), downloadedBytes: z.number() })
export type UnfinishedDownload = z.infer<typeof downloadSchema>

const fileSchema = z.object({
  version: z.literal(1),
  downloads: z.array(downloadSchema).catch([]).default([]),
  models: z.record(z.string(), recordSchema).catch({}),
  hashes: z.record(z.string(), hashSchema).catch({}),
  lastLoaded: z.string().nullable().catch(null),
})

/** What the library remembers of one model: when it was last loaded, and with which settings. */
export type LibraryRecord = z.infer<typeof recordSchema>
type LibraryData = z.infer<typeof fileSchema>

/** A file as it is on disk: another file at the same path (a new upload under a freed name) is not the kept one. */
const identity = (info: Stats): string => `${info.ino}:${info.size}:${info.mtimeMs}`

const empty = (): LibraryData => ({ version: 1, downloads: [], models: {}, hashes: {}, lastLoaded: null })

/** SHA-256 of a file's bytes, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/**
 * What Arbor remembers about the models of one folder: each one's last use and load settings, the model loaded
 * last, and the SHA-256 of each file (by size and mtime, so a file is hashed once until it changes), with which a
 * second copy of a model is recognised. Files in the folder are keyed by name, others by absolute path. A damaged
 * library file is set aside as `.bak` and the library starts empty: it holds nothing that cannot be made again.
 */
export class ModelLibrary {
  private saving: Promise<void> = Promise.resolve()
  /** One dedupe at a time: two copies finishing together must not each give way to the other. */
  private deduping: Promise<unknown> = Promise.resolve()
  /** Files given as the answer of `keepOne` (path → the file's identity then): they stay while they are that file. */
  private readonly kept = new Map<string, string>()

  private constructor(
    readonly folder: string,
    private data: LibraryData,
  ) {}

  static async open(folder: string): Promise<ModelLibrary> {
    const path = join(folder, LIBRARY_FILE_NAME)
    const text = await readFile(path, 'utf8').catch(() => null)
    if (text === null) return new ModelLibrary(folder, empty())
    const parsed = (() => {
      try {
        return fileSchema.safeParse(JSON.parse(text))
      } catch {
        return null
      }
    })()
    if (parsed?.success) return new ModelLibrary(folder, parsed.data)
    await rename(path, `${path}.bak`).catch(() => undefined)
    return new ModelLibrary(folder, empty())
  }

  private key(path: string): string {
    const full = resolve(path)
    return dirname(full) === resolve(this.folder) ? basename(full) : full
  }

  private pathOf(key: string): string {
    return key.includes('/') || key.includes('\\') ? key : join(this.folder, key)
  }

  /** What is remembered of the model at `path`, or null. */
  record(path: string): LibraryRecord | null {
    return this.data.models[this.key(path)] ?? null
  }

  /** The model loaded last, with its settings; null when none was or its file is gone. */
  async lastLoaded(): Promise<{ path: string; settings: LoadSettings } | null> {
    const key = this.data.lastLoaded
    const record = key ? this.data.models[key] : undefined
    if (!key || !record) return null
    const path = this.pathOf(key)
    return (await stat(path).catch(() => null))?.isFile() ? { path, settings: record.settings } : null
  }

  /** A load of `path` with `settings` succeeded. */
  used(path: string, settings: LoadSettings, at = Date.now()): Promise<void> {
    const key = this.key(path)
    this.data.models[key] = { lastUsedAt: at, settings: { ...settings } }
    this.data.lastLoaded = key
    return this.save()
  }

  /** The file at `from` is now at `to`: what is remembered follows it. */
  moved(from: string, to: string): Promise<void> {
    const [a, b] = [this.key(from), this.key(to)]
    for (const table of [this.data.models, this.data.hashes] as Record<string, unknown>[]) {
      if (a in table) table[b] = table[a]
      delete table[a]
    }
    if (this.data.lastLoaded === a) this.data.lastLoaded = b
    const kept = this.kept.get(resolve(from))
    this.kept.delete(resolve(from))
    if (kept) this.kept.set(resolve(to), kept)
    return this.save()
  }

  /** The file at `path` is gone. */
  forget(path: string): Promise<void> {
    const key = this.key(path)
    this.kept.delete(resolve(path))
    delete this.data.models[key]
    delete this.data.hashes[key]
    if (this.data.lastLoaded === key) this.data.lastLoaded = null
    return this.save()
  }

  /** The SHA-256 of the file at `path`: remembered while its size and mtime stay, else read and remembered. */
  async sha256(path: string): Promise<string> {
    const info = await stat(path)
    const key = this.key(path)
    const known = this.data.hashes[key]
    if (known && known.size === info.size && known.mtimeMs === info.mtimeMs) return known.sha256
    const sha256 = await sha256File(path)
    this.data.hashes[key] = { size: info.size, mtimeMs: info.mtimeMs, sha256 }
    await this.save()
    return sha256
  }

  /**
   * A file of `candidates` (other than `path`) with the same bytes as `path` (same size, then the same SHA-256).
   * When there is one, `path` is deleted and that file's path is returned; otherwise `path`. One at a time, and a
   * file once given as the answer never gives way itself: of copies arriving together, the one kept is the one
   * every caller was told.
   */
  keepOne(path: string, candidates: readonly { path: string; fileBytes: number }[]): Promise<string> {
    const run = this.deduping.then(async () => {
      const full = resolve(path)
      const info = await stat(full).catch(() => null)
      if (!info) return full
      if (this.kept.get(full) === identity(info)) return full
      const same = candidates.filter((c) => c.fileBytes === info.size && resolve(c.path) !== full)
      if (!same.length) return this.keep(full, info)
      const mine = await this.sha256(full)
      for (const other of same) {
        if (!(await stat(other.path).catch(() => null))?.isFile()) continue
        if ((await this.sha256(other.path).catch(() => null)) !== mine) continue
        await rm(full, { force: true })
        await this.forget(full)
        const kept = await stat(other.path).catch(() => null)
        return kept ? this.keep(resolve(other.path), kept) : resolve(other.path)
      }
      return this.keep(full, info)
    })
    this.deduping = run.catch(() => undefined)
    return run
  }

  private keep(path: string, info: Stats): string {
    this.kept.set(path, identity(info))
    return path
  }

  /** The downloads that did not finish, as they were last told. */
  unfinishedDownloads(): UnfinishedDownload[] {
    return this.data.downloads.map((d) => ({ ...d }))
  }

  /** Remembers the downloads that have not finished now (the others are forgotten). */
  setUnfinishedDownloads(downloads: readonly UnfinishedDownload[]): Promise<void> {
    const next = downloads.map(({ id, ref, fileName, totalBytes, downloadedBytes }) => ({ id, ref, fileName, totalBytes, downloadedBytes }))
    if (JSON.stringify(next) === JSON.stringify(this.data.downloads)) return this.saving
    this.data.downloads = next
    return this.save()
  }

  /** A file of `candidates` of `size` bytes whose SHA-256 is `sha256`, or null. */
  async findCopy(size: number, sha256: string, candidates: readonly { path: string; fileBytes: number }[]): Promise<string | null> {
    for (const c of candidates) {
      if (c.fileBytes !== size) continue
      if ((await this.sha256(c.path).catch(() => null)) === sha256) return c.path
    }
    return null
  }

  /** Resolves when every change so far is written. */
  flushed(): Promise<void> {
    return this.saving
  }

  /** Written after each change: a temporary file, synced, renamed over the old one. */
  private save(): Promise<void> {
    const text = `${JSON.stringify(this.data, null, 1)}\n`
    const path = join(this.folder, LIBRARY_FILE_NAME)
    this.saving = this.saving.then(async () => {
      const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
      try {
        await writeSynced(tmp, text, 'w')
        await rename(tmp, path)
      } catch {
        await rm(tmp, { force: true }).catch(() => undefined)
      }
    })
    return this.saving
  }
}
