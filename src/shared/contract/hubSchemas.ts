import { z } from 'zod'
import type { HubModelFile, HubRepo } from '../hub/hubFiles'
import type { ArborError } from '../errors'
import { arborErrorSchema } from './modelSchemas'

/** The Hub's answers and the downloads, as the contract carries them. */

export const hubRepoSchema: z.ZodType<HubRepo> = z.object({
  id: z.string(),
  author: z.string(),
  downloads: z.number(),
  likes: z.number(),
  lastModified: z.string().nullable(),
})

export type HubFileView = HubModelFile & { /** Where its (first part's) header is read from: give it to `model.estimate`. */ url: string }

export const hubFileSchema: z.ZodType<HubFileView> = z.object({
  path: z.string(),
  url: z.string(),
  quantization: z.string().nullable(),
  parts: z.array(z.object({ path: z.string(), bytes: z.number(), sha256: z.string().nullable() })),
  totalBytes: z.number(),
})

export const downloadStates = ['running', 'paused', 'done', 'failed', 'cancelled'] as const

/** One download as every window shows it. */
export type DownloadView = {
  id: string
  /** What was asked for: `hf:owner/repo:QUANT` or a URL. */
  ref: string
  fileName: string
  totalBytes: number
  downloadedBytes: number
  bytesPerSecond: number
  etaSeconds: number
  state: (typeof downloadStates)[number]
  /** The local file once done. */
  path: string | null
  error: ArborError | null
}

export const downloadViewSchema: z.ZodType<DownloadView> = z.object({
  id: z.string(),
  ref: z.string(),
  fileName: z.string(),
  totalBytes: z.number(),
  downloadedBytes: z.number(),
  bytesPerSecond: z.number(),
  etaSeconds: z.number(),
  state: z.enum(downloadStates),
  path: z.string().nullable(),
  error: arborErrorSchema.nullable(),
})
