import type { KvCacheType } from './types'

const bytesPerElement: Record<KvCacheType, number> = { F32: 4, F16: 2, Q8_0: 34 / 32 }

export type KvShape = {
  layers: number
  embeddingSize: number
  headCount: number
  headCountKv: number
  /** Per-head key and value width when the model sets them (attention.key_length / value_length). */
  keyLength?: number
  valueLength?: number
}

/**
 * Bytes of the KV cache of standard attention: every layer keeps a key and a value vector
 * per KV head for every cell, and a context of N tokens × S sequences has N × S cells.
 */
export function kvCacheBytes(shape: KvShape, contextSize: number, sequences: number, type: KvCacheType): number {
  const headDim = shape.headCount > 0 ? shape.embeddingSize / shape.headCount : 0
  const k = (shape.keyLength ?? headDim) * shape.headCountKv
  const v = (shape.valueLength ?? headDim) * shape.headCountKv
  return shape.layers * contextSize * sequences * (k + v) * bytesPerElement[type]
}
