import { open, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { performance } from 'node:perf_hooks'
import { GgufInsights, readGgufFileInfo, type Llama } from 'node-llama-cpp'
import { ArborFailure } from '../../../shared/errors'
import type { ModelFacts } from '../../../shared/types'
import { factsFromHeader } from '../../../shared/gguf/factsFromHeader'
import { checkLoadable } from '../../../shared/gguf/checkLoadable'
import { scanGgufHeaderFrom, type GgufHeaderScan } from '../../../shared/gguf/scanGgufHeader'
import type { ProbeResult } from './probe/probeModel'

export type InspectedModel = {
  facts: ModelFacts
  insights: GgufInsights
  scan: GgufHeaderScan
  /** Size and mtime when inspected: a changed file must be inspected again. */
  fingerprint: string
}

/** Maps a file-system error to a stable Arbor error. */
export function fileError(error: unknown, path: string): ArborFailure {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  if (code === 'ENOENT') return new ArborFailure('FILE_NOT_FOUND', `No file at ${path}. It may have been moved or deleted.`)
  if (code === 'EISDIR') return new ArborFailure('FILE_IS_DIRECTORY', `${path} is a folder, not a model file.`)
  if (code === 'EACCES' || code === 'EPERM') return new ArborFailure('FILE_UNREADABLE', `Arbor may not read ${path} (permission denied).`)
  return new ArborFailure('FILE_UNREADABLE', `Could not read ${path}: ${(error as Error)?.message ?? String(error)}`)
}

/** Size and mtime of a regular file, or the stable error for what is there instead. */
export async function statModelFile(path: string): Promise<{ size: number; mtimeMs: number }> {
  const info = await stat(path).catch((error: unknown) => {
    throw fileError(error, path)
  })
  if (info.isDirectory()) throw new ArborFailure('FILE_IS_DIRECTORY', `${path} is a folder, not a model file.`)
  if (!info.isFile()) throw new ArborFailure('FILE_UNREADABLE', `${path} is not a regular file.`)
  return { size: info.size, mtimeMs: info.mtimeMs }
}

export type InspectOptions = {
  /**
   * Runs llama.cpp's pre-load work on the file in another process first (`probeModelFile`); throws for a file that
   * would abort it. Defaults to none (the caller trusts the file).
   */
  probe?: (path: string, fingerprint: string) => Promise<ProbeResult>
}

/**
 * Reads what a model is from its header alone: our bounded scan first (so a corrupt header fails fast with a clear
 * code), the checks of what llama.cpp asserts on, the probe, then node-llama-cpp's reader for the insights the
 * estimates need.
 */
export async function inspectModel(path: string, llama: Llama, options: InspectOptions = {}): Promise<InspectedModel> {
  const started = performance.now()
  const { size, mtimeMs } = await statModelFile(path)
  const handle = await open(path, 'r').catch((error: unknown) => {
    throw fileError(error, path)
  })
  let scan: GgufHeaderScan
  try {
    scan = await scanGgufHeaderFrom(async (length) => {
      const buffer = Buffer.alloc(length)
      const { bytesRead } = await handle.read(buffer, 0, length, 0)
      return buffer.subarray(0, bytesRead)
    }, size)
  } finally {
    await handle.close()
  }
  const architecture = checkScan(scan, size)
  const fingerprint = `${size}:${mtimeMs}`
  const probed = options.probe ? await options.probe(path, fingerprint) : { warnings: [] }

  const insights = await insightsOf(path, llama, architecture)

  const facts: ModelFacts = {
    ...factsFromHeader(scan, { path, fileName: basename(path), fileBytes: size }),
    warnings: [...probed.warnings, ...insights.getWarnings(path)],
    inspectMs: performance.now() - started,
  }
  return { facts, insights, scan, fingerprint }
}

/** What our own scan found wrong that llama.cpp would assert on or fail late with; returns the architecture. */
export function checkScan(scan: GgufHeaderScan, size: number): string {
  if (scan.requiredFileBytes > size)
    throw new ArborFailure(
      'GGUF_TRUNCATED_DATA',
      `The file is cut short: its header describes ${scan.requiredFileBytes.toLocaleString('en-US')} bytes of tensors but the file has ${size.toLocaleString('en-US')}. It is probably an incomplete download.`,
      { requiredBytes: scan.requiredFileBytes, fileBytes: size },
    )
  const architecture = scan.metadata.get('general.architecture')
  if (typeof architecture !== 'string')
    throw new ArborFailure('GGUF_CORRUPT', 'The header names no model architecture (general.architecture is missing).')
  checkLoadable(scan)
  return architecture
}

/** node-llama-cpp's reading of the header (a file, or a URL by range requests) and what it says about the model. */
export async function insightsOf(source: string, llama: Llama, architecture: string, network?: { headers: Record<string, string>; signal?: AbortSignal }): Promise<GgufInsights> {
  const info = await readGgufFileInfo(source, {
    readTensorInfo: true,
    logWarnings: false,
    sourceType: network ? 'network' : 'filesystem',
    ...(network ? { fetchHeaders: network.headers, signal: network.signal, fetchRetryOptions: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2000 } } : {}),
  }).catch((error: unknown) => {
    throw new ArborFailure('GGUF_CORRUPT', `node-llama-cpp could not read the header: ${(error as Error)?.message ?? String(error)}`)
  })
  const insights = await GgufInsights.from(info, llama)
  if (!insights.isSupportedByLlamaCpp)
    throw new ArborFailure('GGUF_UNSUPPORTED_ARCH', `The architecture "${architecture}" is not supported by the llama.cpp build Arbor uses.`, { architecture })
  return insights
}
