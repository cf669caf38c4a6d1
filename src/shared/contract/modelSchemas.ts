import { z } from 'zod'
import { errorCodes, type ArborError } from '../errors'
import {
  fitVerdicts,
  kvCacheTypes,
  type Fit,
  type FitReport,
  type FitSettings,
  type Hardware,
  type LoadedModel,
  type LoadSettings,
  type LoadState,
  type MemoryEstimate,
  type MemorySample,
  type MemorySplit,
  type ModelDescription,
  type ModelEntry,
  type ModelFacts,
  type Napkin,
  type TurnStats,
} from '../types'

/** Schemas of the model side of the contract: what the core answers and announces about models and memory. */

const count = z.number().int().min(0)
const bytes = z.number().min(-(2 ** 60)).max(2 ** 60)
const ms = z.number().min(0)

export const arborErrorSchema = z.object({
  code: z.enum(errorCodes),
  message: z.string(),
  details: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()]).optional()).optional(),
}) as unknown as z.ZodType<ArborError>

export const modelFactsSchema: z.ZodType<ModelFacts> = z.object({
  path: z.string(),
  fileName: z.string(),
  fileBytes: count,
  architecture: z.string(),
  name: z.string().nullable(),
  parameters: count,
  fileType: z.string(),
  bitsPerWeight: z.number(),
  layers: count,
  embeddingSize: count,
  headCount: count,
  headCountKv: count,
  vocabSize: count,
  trainContextSize: count,
  hasChatTemplate: z.boolean(),
  tensorCount: count,
  warnings: z.array(z.string()),
  inspectMs: ms,
})

export const hardwareSchema: z.ZodType<Hardware> = z.object({
  gpu: z.object({
    backend: z.union([z.enum(['cuda', 'vulkan', 'metal']), z.literal(false)]),
    names: z.array(z.string()),
    vramTotalBytes: bytes,
    vramFreeBytes: bytes,
  }),
  ramTotalBytes: bytes,
  ramFreeBytes: bytes,
  physicalCores: count,
  logicalCores: count,
  defaultThreads: count,
  cpuModel: z.string(),
})

export const fitSettingsSchema: z.ZodType<FitSettings> = z.object({
  contextSize: z.number().int().min(1),
  sequences: z.number().int().min(1),
  gpuLayers: count,
  kvCacheType: z.enum(kvCacheTypes),
})

export const loadSettingsSchema: z.ZodType<LoadSettings> = z.object({
  contextSize: z.number().int().min(1),
  sequences: z.number().int().min(1),
  gpuLayers: count,
  kvCacheType: z.enum(kvCacheTypes),
  threads: z.number().int().min(1),
})

const memorySplitSchema: z.ZodType<MemorySplit> = z.object({ ramBytes: bytes, vramBytes: bytes })

export const memoryEstimateSchema: z.ZodType<MemoryEstimate> = z.object({
  ramBytes: bytes,
  vramBytes: bytes,
  weights: memorySplitSchema,
  kvCache: memorySplitSchema,
  compute: memorySplitSchema,
  overhead: memorySplitSchema,
})

const fitSchema: z.ZodType<Fit> = z.object({
  verdict: z.enum(fitVerdicts),
  summary: z.string(),
  ramAvailableBytes: bytes,
  vramAvailableBytes: bytes,
})

const napkinSchema: z.ZodType<Napkin> = z.object({
  bytes,
  bytesPerParameter: z.number(),
  errorVsEstimate: z.number(),
  explanation: z.string(),
})

export const fitReportSchema: z.ZodType<FitReport> = z.object({
  path: z.string(),
  settings: fitSettingsSchema,
  estimate: memoryEstimateSchema,
  fit: fitSchema,
  napkin: napkinSchema,
  recommended: fitSettingsSchema.nullable(),
  maxGpuLayers: count,
  recommendedThreads: count,
  estimateMs: ms,
})

export const loadedModelSchema: z.ZodType<LoadedModel> = z.object({
  facts: modelFactsSchema,
  settings: loadSettingsSchema,
  estimate: memoryEstimateSchema,
  loadMs: ms,
  measuredAfterLoad: memorySplitSchema,
})

export const loadPhaseSchema = z.enum(['reading', 'initializing', 'context'])

export const loadStateSchema: z.ZodType<LoadState> = z.discriminatedUnion('status', [
  z.object({ status: z.literal('idle') }),
  z.object({ status: z.literal('loading'), path: z.string(), phase: loadPhaseSchema, bytesRead: count, bytesTotal: count }),
  z.object({ status: z.literal('loaded'), model: loadedModelSchema }),
  z.object({ status: z.literal('error'), path: z.string(), error: arborErrorSchema }),
])

export const memorySampleSchema: z.ZodType<MemorySample> = z.object({
  at: ms,
  rssBytes: bytes,
  ramFreeBytes: bytes,
  vramUsedBytes: bytes,
  vramTotalBytes: bytes,
})

export const modelEntrySchema: z.ZodType<ModelEntry> = z.object({
  path: z.string(),
  fileName: z.string(),
  fileBytes: count,
  modifiedAt: ms,
  isDemo: z.boolean(),
  lastUsedAt: ms.nullable(),
  settings: loadSettingsSchema.nullable(),
})

export const modelDescriptionSchema: z.ZodType<ModelDescription> = z.object({
  path: z.string(),
  architecture: z.string(),
  parameters: count,
  fileType: z.string(),
  verdict: z.enum(fitVerdicts),
  settings: fitSettingsSchema,
})

export const turnStatsSchema: z.ZodType<TurnStats> = z.object({
  promptTokens: count,
  reusedTokens: count,
  evaluatedTokens: count,
  contextSize: count,
  generatedTokens: count,
  timeToFirstTokenMs: ms,
  tokensPerSecond: z.number().min(0),
  totalMs: ms,
  stopReason: z.enum(['eos', 'maxTokens', 'stopped', 'error', 'toolUse']),
  threads: count,
  sampling: z
    .object({
      temperature: z.number(),
      topP: z.number(),
      topK: z.number(),
      minP: z.number(),
      repeatPenalty: z.number(),
      repeatLastTokens: z.number(),
      seed: z.number(),
      maxTokens: z.number().nullable(),
      stop: z.array(z.string()),
    })
    .optional(),
  droppedMessages: count.optional(),
})
