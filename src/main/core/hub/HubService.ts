import { mkdir, open, readdir, rm, stat, statfs } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { ArborFailure } from '../../../shared/errors'
import { chooseFile, parseHubRef, type HubModelFile, type HubRef, type HubRepo } from '../../../shared/hub/hubFiles'
import { downloadModelFile, type DownloadProgress } from '../engine'
import { sha256File } from '../library/ModelLibrary'
import { HubClient, type HubOptions, type HubSort } from './HubClient'

/** A model to fetch, resolved: where each part comes from and what the Hub says it holds. */
export type ResolvedDownload = { url: string; fileName: string; totalBytes: number; parts: { url: string; fileName: string; bytes: number; sha256: string | null }[]; repo: string | null; file: HubModelFile | null }

export type PullOptions = { onProgress?: (p: DownloadProgress) => void; signal?: AbortSignal }

export type HubServiceOptions = HubOptions & {
  /** Free bytes where downloads go; defaults to the file system's. Tests give a small disk. */
  freeBytes?: (folder: string) => Promise<number>
  /** How long a download may receive nothing before it stops with `DOWNLOAD_FAILED`. Defaults to 60 s. */
  stallMs?: number
  /** The token of now (the app's settings), asked at each request; `token` wins, and without either `HF_TOKEN`. */
  tokenOf?: () => string | null
  /** A file of the models folder with these bytes (size and SHA-256) under another name, or null: it is not downloaded twice. */
  findCopy?: (bytes: number, sha256: string) => Promise<string | null>
}


const fsFreeBytes = async (folder: string): Promise<number> => {
  const info = await statfs(folder)
  return info.bavail * info.bsize
}

const MiB = 1024 * 1024

/**
 * Getting models from the Hub (or any URL of a GGUF): search, a repository's files, what a reference means, and
 * downloads into the models folder through node-llama-cpp's downloader, checked against the Hub's SHA-256.
 */
export class HubService {
  constructor(
    private readonly modelsFolder: string,
    private readonly options: HubServiceOptions = {},
  ) {}

  /** A client with the settings of now (the token or endpoint may have changed since the last call). */
  client(signal?: AbortSignal): HubClient {
    const token = this.options.token !== undefined ? this.options.token : (this.options.tokenOf?.() ?? undefined)
    return new HubClient({ ...this.options, ...(token !== undefined ? { token } : {}), ...(signal ? { signal } : {}) })
  }

  /** The headers a request for `url` carries: the token, only toward the Hub it belongs to. */
  headersFor(url: string): Record<string, string> {
    const client = this.client()
    return url.startsWith(`${client.endpoint}/`) ? client.headers : {}
  }

  search(query: string, sort?: HubSort, signal?: AbortSignal): Promise<HubRepo[]> {
    return this.client(signal).search(query, sort)
  }

  files(repo: string, signal?: AbortSignal): Promise<HubModelFile[]> {
    return this.client(signal).files(repo)
  }

  /** `hf:org/repo[:QUANT]`, `hf:org/repo/file.gguf` or an http(s) URL of a GGUF, as what to download. */
  async resolve(text: string, signal?: AbortSignal): Promise<ResolvedDownload> {
    const ref = parseHubRef(text)
    if (ref) return this.resolveHub(ref, signal)
    if (!/^https?:\/\/[^/]/i.test(text)) throw new ArborFailure('BAD_REQUEST', `"${text.slice(0, 200)}" is neither hf:owner/repo[:QUANT] nor an http(s) URL.`)
    const fileName = decodeURIComponent(new URL(text).pathname.split('/').pop() || '')
    if (!fileName.toLowerCase().endsWith('.gguf')) throw new ArborFailure('BAD_REQUEST', `${text.slice(0, 200)} does not name a .gguf file.`)
    return { url: text, fileName, totalBytes: 0, parts: [{ url: text, fileName, bytes: 0, sha256: null }], repo: null, file: null }
  }

  private async resolveHub(ref: HubRef, signal?: AbortSignal): Promise<ResolvedDownload> {
    const client = this.client(signal)
    const files = await client.files(ref.repo)
    if (files.length === 0) throw new ArborFailure('MODEL_NOT_FOUND', `${ref.repo} has no GGUF file.`)
    const file = (await this.manifestChoice(ref, files, client)) ?? chooseFile(files, ref)
    if (!file) {
      const offered = [...new Set(files.map((f) => f.quantization ?? basename(f.path)))].join(', ')
      throw new ArborFailure('MODEL_NOT_FOUND', `${ref.repo} has no ${ref.file ?? ref.quantization}; it offers ${offered}.`)
    }
    const parts = file.parts.map((p) => ({ url: client.fileUrl(ref.repo, p.path), fileName: basename(p.path), bytes: p.bytes, sha256: p.sha256 }))
    return { url: parts[0]!.url, fileName: parts[0]!.fileName, totalBytes: file.totalBytes, parts, repo: ref.repo, file }
  }

  /**
   * The file the Hub itself names for `hf:owner/repo[:TAG]` (its manifest route, which llama.cpp and node-llama-cpp
   * ask), among `files`; null when the Hub names none (the caller picks by name).
   */
  private async manifestChoice(ref: HubRef, files: HubModelFile[], client: HubClient): Promise<HubModelFile | null> {
    if (ref.file) return null
    const named = await client.manifestFile(ref.repo, ref.quantization ?? 'latest')
    if (!named) return null
    return files.find((f) => f.parts.some((p) => p.path === named)) ?? null
  }

  /**
   * Downloads into the models folder and returns the local path of the (first part of the) model. Refuses when the
   * disk cannot hold it; an interrupted download resumes next time; a file the Hub's hash disowns is not kept.
   */
  async pull(text: string, options: PullOptions = {}): Promise<{ path: string; download: ResolvedDownload; reused: boolean }> {
    const download = await this.resolve(text, options.signal)
    await mkdir(this.modelsFolder, { recursive: true })
    const target = join(this.modelsFolder, download.fileName)
    const existing = await stat(target).catch(() => null)
    if (existing?.isFile() && download.totalBytes > 0 && (await this.matches(download))) return { path: target, download, reused: true }
    const only = download.parts.length === 1 ? download.parts[0] : undefined
    const copy = only?.sha256 && this.options.findCopy ? await this.options.findCopy(only.bytes, only.sha256) : null
    if (copy) return { path: copy, download, reused: true }
    const free = await (this.options.freeBytes ?? fsFreeBytes)(this.modelsFolder)
    // What a partial file already holds need not fit again.
    const partial = await this.partialBytes(download)
    const needed = download.totalBytes - partial
    if (needed > free)
      throw new ArborFailure('DISK_FULL', `${download.fileName} needs ${Math.ceil(needed / MiB)} MiB and the disk holding ${this.modelsFolder} has ${Math.floor(free / MiB)} MiB free. Nothing was downloaded.`, { neededBytes: needed, freeBytes: free })
    let path: string
    try {
      path = await downloadModelFile(download.url, this.modelsFolder, { headers: this.headersFor(download.url), ...options, ...(this.options.stallMs ? { stallMs: this.options.stallMs } : {}), fileName: download.parts.length === 1 ? download.fileName : undefined })
    } catch (error) {
      throw await this.downloadFailure(error, download, options.signal)
    }
    await this.verify(download)
    await this.checkMagic(path)
    return { path, download, reused: false }
  }

  /** Every part on disk, of the announced size and hash. */
  private async matches(download: ResolvedDownload): Promise<boolean> {
    for (const part of download.parts) {
      const info = await stat(join(this.modelsFolder, part.fileName)).catch(() => null)
      if (!info?.isFile() || info.size !== part.bytes) return false
      if (part.sha256 && (await sha256File(join(this.modelsFolder, part.fileName))) !== part.sha256) return false
    }
    return true
  }

  /** This download's partial files (ipull's, named after each part) in the folder. */
  private async partialFiles(download: ResolvedDownload): Promise<string[]> {
    const names = await readdir(this.modelsFolder).catch(() => [] as string[])
    return download.parts.flatMap((part) => names.filter((n) => n.startsWith(part.fileName) && n !== part.fileName).map((n) => join(this.modelsFolder, n)))
  }

  /** Bytes those partial files hold already. */
  private async partialBytes(download: ResolvedDownload): Promise<number> {
    let bytes = 0
    for (const path of await this.partialFiles(download)) bytes += (await stat(path).catch(() => null))?.size ?? 0
    return Math.min(bytes, download.totalBytes)
  }

  /** Checks each part's size and SHA-256 against the Hub's; a part that differs is deleted (`DOWNLOAD_CORRUPT`). */
  private async verify(download: ResolvedDownload): Promise<void> {
    for (const part of download.parts) {
      const path = join(this.modelsFolder, part.fileName)
      const size = (await stat(path).catch(() => null))?.size ?? -1
      const fail = async (expected: string, actual: string, what: string) => {
        await rm(path, { force: true })
        return new ArborFailure('DOWNLOAD_CORRUPT', `${part.fileName} arrived ${what}; it was not kept. Download it again.`, { path, expected, actual })
      }
      if (part.bytes > 0 && size !== part.bytes) throw await fail(`${part.bytes} bytes`, `${size} bytes`, `with ${size.toLocaleString('en-US')} bytes where the Hub announced ${part.bytes.toLocaleString('en-US')}`)
      if (part.sha256) {
        const actual = await sha256File(path)
        if (actual !== part.sha256) throw await fail(part.sha256, actual, 'with another SHA-256 than the Hub gives for it')
      }
    }
  }

  /** A download that is no GGUF (a web page saved under a .gguf name) does not stay in the models folder. */
  private async checkMagic(path: string): Promise<void> {
    const handle = await open(path, 'r')
    const head = Buffer.alloc(4)
    try {
      await handle.read(head, 0, 4, 0)
    } finally {
      await handle.close()
    }
    if (head.toString('latin1') === 'GGUF') return
    await rm(path, { force: true })
    throw new ArborFailure('GGUF_BAD_MAGIC', `${basename(path)} is not a GGUF model file (it does not start with "GGUF"); it was not kept.`)
  }

  /** The stable error for a download that failed: a cancel, a full disk, a gated file, a server that stopped. */
  private async downloadFailure(error: unknown, download: ResolvedDownload, signal?: AbortSignal): Promise<ArborFailure> {
    if (error instanceof ArborFailure) return error
    const message = (error as Error)?.message ?? String(error)
    if (signal?.aborted) return new ArborFailure('DOWNLOAD_FAILED', `The download of ${download.fileName} was stopped; starting it again resumes it.`)
    if ((error as NodeJS.ErrnoException)?.code === 'ENOSPC' || /ENOSPC|no space left/i.test(message)) {
      await this.removePartials(download)
      return new ArborFailure('DISK_FULL', `The disk filled up while ${download.fileName} was downloaded; the partial file was removed.`, { neededBytes: download.totalBytes, freeBytes: 0 })
    }
    if (/\b(401|403)\b/.test(message)) return new ArborFailure('MODEL_GATED', `${download.fileName} is gated or private: a Hugging Face token is needed (Settings, or HF_TOKEN).`)
    if (/\b404\b/.test(message)) return new ArborFailure('MODEL_NOT_FOUND', `There is no file at ${download.url} (404).`)
    return new ArborFailure('DOWNLOAD_FAILED', `The download of ${download.fileName} failed: ${message.slice(0, 300)}. Starting it again resumes it.`)
  }

  /** Removes this download's partial files (after a cancel by the user, or a full disk). */
  async removePartials(download: ResolvedDownload): Promise<void> {
    for (const path of await this.partialFiles(download)) await rm(path, { force: true })
  }
}
