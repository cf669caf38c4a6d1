import { performance } from 'node:perf_hooks'
import { createModelDownloader, type Llama } from 'node-llama-cpp'
import { ArborFailure } from '../../../shared/errors'
import { factsFromHeader } from '../../../shared/gguf/factsFromHeader'
import { scanGgufHeaderFrom } from '../../../shared/gguf/scanGgufHeader'
import type { ModelFacts } from '../../../shared/types'
import { checkScan, insightsOf, type InspectedModel } from './inspectModel'

export type RemoteAccess = { headers: Record<string, string>; signal?: AbortSignal }

/** A file name for a URL: its last path segment, decoded. */
export const fileNameOfUrl = (url: string): string => decodeURIComponent(new URL(url).pathname.split('/').pop() || 'model.gguf')

/** The bytes `[0, length)` of a remote file and the file's size, by one range request. */
async function readPrefix(url: string, length: number, access: RemoteAccess): Promise<{ bytes: Uint8Array; size: number }> {
  let response: Response
  try {
    response = await fetch(url, { headers: { ...access.headers, Range: `bytes=0-${length - 1}` }, signal: access.signal, redirect: 'follow' })
  } catch (error) {
    if (access.signal?.aborted) throw error
    throw new ArborFailure('HUB_UNREACHABLE', `Could not reach ${new URL(url).origin}: ${((error as Error).cause as Error | undefined)?.message ?? (error as Error).message}.`)
  }
  if (response.status === 401 || response.status === 403)
    throw new ArborFailure('MODEL_GATED', `${fileNameOfUrl(url)} is gated or private: a Hugging Face token is needed (Settings, or HF_TOKEN), with the model's terms accepted.`)
  if (response.status === 404) throw new ArborFailure('MODEL_NOT_FOUND', `There is no file at ${url} (404).`)
  if (response.status === 416) throw new ArborFailure('GGUF_BAD_MAGIC', `${fileNameOfUrl(url)} is empty: it holds no model.`)
  if (!response.ok) throw new ArborFailure('HUB_UNREACHABLE', `${new URL(url).origin} answered ${response.status} for ${fileNameOfUrl(url)}.`)
  // A server that ignores ranges sends the whole file: read only what was asked, then let it go.
  const reader = response.body!.getReader()
  const chunks: Uint8Array[] = []
  let got = 0
  while (got < length) {
    const { done, value } = await reader.read()
    if (done) break
    chunks.push(value)
    got += value.length
  }
  await reader.cancel().catch(() => undefined)
  const bytes = Buffer.concat(chunks).subarray(0, length)
  const total = /\/(\d+)\s*$/.exec(response.headers.get('content-range') ?? '')?.[1]
  const size = total !== undefined ? Number(total) : Number(response.headers.get('x-linked-size') ?? response.headers.get('content-length') ?? bytes.length)
  return { bytes, size }
}

/**
 * What a remote GGUF is, from its header alone (range requests: a few MB of a file of any size, never the
 * weights): the same checks and facts as for a dropped file, so that its fit can be judged before a download.
 */
export async function inspectRemoteModel(url: string, llama: Llama, access: RemoteAccess): Promise<InspectedModel> {
  const started = performance.now()
  const first = await readPrefix(url, 1 << 16, access)
  const size = first.size
  let cached = first.bytes
  const scan = await scanGgufHeaderFrom(async (length) => {
    if (length > cached.length && cached.length < size) cached = (await readPrefix(url, length, access)).bytes
    return cached.subarray(0, length)
  }, size, Math.min(size, first.bytes.length))
  const architecture = checkScan(scan, size)
  const insights = await insightsOf(url, llama, architecture, access)
  const fileName = fileNameOfUrl(url)
  const facts: ModelFacts = {
    ...factsFromHeader(scan, { path: url, fileName, fileBytes: size }),
    warnings: insights.getWarnings(url),
    inspectMs: performance.now() - started,
  }
  return { facts, insights, scan, fingerprint: `${url}:${size}` }
}

export type DownloadProgress = { totalBytes: number; downloadedBytes: number; bytesPerSecond: number; etaSeconds: number }

/**
 * Downloads a GGUF (all parts of a split one) into `folder` with node-llama-cpp's downloader (ipull: parallel
 * ranges, a partial file that a later download of the same file resumes). Returns the first part's path.
 */
export async function downloadModelFile(
  url: string,
  folder: string,
  access: RemoteAccess & { onProgress?: (p: DownloadProgress) => void; fileName?: string; stallMs?: number },
): Promise<string> {
  // A server that stops sending, or breaks off every transfer before the end, ends the download instead of hanging it.
  const stallMs = access.stallMs ?? 60_000
  const stalled = new AbortController()
  let lastBytes = -1
  let lastChange = Date.now()
  let downloader: Awaited<ReturnType<typeof createModelDownloader>> | null = null
  const watchdog = setInterval(() => {
    if (Date.now() - lastChange <= stallMs || stalled.signal.aborted) return
    stalled.abort()
    void downloader?.cancel({ deleteTempFile: false }).catch(() => undefined)
  }, Math.min(1000, stallMs / 4))
  const stallError = () =>
    new ArborFailure('DOWNLOAD_FAILED', `${fileNameOfUrl(url)}: the server sent nothing new for ${Math.round(stallMs / 1000)} s; the download stopped (starting it again resumes it).`)
  const creating = createModelDownloader({
    modelUri: url,
    dirPath: folder,
    ...(access.fileName ? { fileName: access.fileName } : {}),
    headers: access.headers,
    skipExisting: true,
    // A stopped download keeps its partial file: the next one resumes it (a cancel by the user removes it).
    deleteTempFileOnCancel: false,
    parallelDownloads: 2,
    onProgress: (s) => {
      // The most received so far: a download that restarts from zero again and again makes no progress.
      if (s.downloadedSize > lastBytes) {
        lastBytes = s.downloadedSize
        lastChange = Date.now()
      }
      access.onProgress?.({ totalBytes: s.totalSize, downloadedBytes: s.downloadedSize, bytesPerSecond: s.averageSpeed, etaSeconds: s.estimatedTimeLeft })
    },
  })
  const signal = access.signal ? AbortSignal.any([access.signal, stalled.signal]) : stalled.signal
  try {
    // Its set-up asks the server about the file and retries on its own: a stall there ends the wait too.
    downloader = await new Promise<Awaited<typeof creating>>((resolve, reject) => {
      creating.then(resolve, reject)
      signal.addEventListener('abort', () => reject(stalled.signal.aborted ? stallError() : signal.reason), { once: true })
    })
    return await downloader.download({ signal })
  } catch (error) {
    if (signal.aborted) await downloader?.cancel({ deleteTempFile: false }).catch(() => undefined)
    if (stalled.signal.aborted && !access.signal?.aborted) throw stallError()
    throw error
  } finally {
    clearInterval(watchdog)
  }
}
