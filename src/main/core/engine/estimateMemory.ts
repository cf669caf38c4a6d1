import { GgmlType } from 'node-llama-cpp'
import { kvCacheBytes } from '../../../shared/kvCache'
import type { FitSettings, LoadSettings, MemoryEstimate, MemorySplit } from '../../../shared/types'
import type { InspectedModel } from './inspectModel'
import { calibration } from './calibration'

export const ggmlKvType = { F16: GgmlType.F16, F32: GgmlType.F32, Q8_0: GgmlType.Q8_0 } as const

/** The context options for Arbor's settings: the same for a load, a measurement and an estimate. */
export function contextOptions(settings: LoadSettings) {
  const kvType = ggmlKvType[settings.kvCacheType]
  return {
    contextSize: settings.contextSize,
    sequences: settings.sequences,
    threads: settings.threads,
    // Arbor checks the fit itself, with the user's chosen settings and override.
    ignoreMemorySafetyChecks: true,
    experimentalKvCacheKeyType: kvType,
    experimentalKvCacheValueType: kvType,
  }
}

const split = (ramBytes: number, vramBytes: number): MemorySplit => ({ ramBytes, vramBytes })

/**
 * Memory a model and its context will take with these settings. Weights and context totals
 * come from node-llama-cpp's V2 estimates (simulated by llama.cpp itself); the KV cache is
 * carved out of the context total so that the UI can show what the context length costs;
 * what V2 leaves out (the runtime's own per-process and per-context memory) is added from
 * measurements (see calibration.ts).
 */
export async function estimateMemory(model: InspectedModel, settings: FitSettings, gpuAvailable: boolean): Promise<MemoryEstimate> {
  const { insights, facts } = model
  const gpuLayers = gpuAvailable ? Math.min(settings.gpuLayers, insights.totalLayers) : 0
  const kvType = ggmlKvType[settings.kvCacheType]
  const [weights, context] = await Promise.all([
    insights.estimateModelResourceRequirementsV2({ gpuLayers }),
    insights.estimateContextResourceRequirementsV2({
      contextSize: settings.contextSize,
      modelGpuLayers: gpuLayers,
      sequences: settings.sequences,
      kvCacheKeyType: kvType,
      kvCacheValueType: kvType,
    }),
  ])
  const arch = insights.ggufFileInfo.architectureMetadata
  const kvTotal = kvCacheBytes(
    {
      layers: facts.layers,
      embeddingSize: facts.embeddingSize,
      headCount: facts.headCount,
      headCountKv: facts.headCountKv,
      keyLength: typeof arch.attention?.key_length === 'number' ? arch.attention.key_length : undefined,
      valueLength: typeof arch.attention?.value_length === 'number' ? arch.attention.value_length : undefined,
    },
    settings.contextSize,
    settings.sequences,
    settings.kvCacheType,
  )
  const gpuShare = facts.layers > 0 ? Math.min(gpuLayers, facts.layers) / facts.layers : 0
  const kv = split(kvTotal * (1 - gpuShare), kvTotal * gpuShare)
  const compute = split(Math.max(0, context.cpuRam - kv.ramBytes), Math.max(0, context.gpuVram - kv.vramBytes))
  const overhead = split(
    calibration.processRamBytes + calibration.contextRamBytes + calibration.perSequenceRamBytes * settings.sequences,
    gpuLayers > 0 ? calibration.processVramBytes : 0,
  )
  const weightsSplit = split(weights.cpuRam, weights.gpuVram)
  return {
    weights: weightsSplit,
    kvCache: kv,
    compute,
    overhead,
    ramBytes: weightsSplit.ramBytes + kv.ramBytes + compute.ramBytes + overhead.ramBytes,
    vramBytes: weightsSplit.vramBytes + kv.vramBytes + compute.vramBytes + overhead.vramBytes,
  }
}
