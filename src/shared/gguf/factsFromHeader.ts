import type { ModelFacts } from '../types'
import { dominantTypeName, type GgufHeaderScan } from './scanGgufHeader'

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)

/**
 * What a model is, from its scanned header alone. Pure, so the browser can show it for a
 * dropped file before the upload ends, and the core shows exactly the same facts.
 */
export function factsFromHeader(
  scan: GgufHeaderScan,
  file: { path: string; fileName: string; fileBytes: number },
): Omit<ModelFacts, 'warnings' | 'inspectMs'> {
  const meta = scan.metadata
  const architecture = String(meta.get('general.architecture') ?? 'unknown')
  const arch = (key: string) => num(meta.get(`${architecture}.${key}`))
  const parameters = scan.tensors.reduce((sum, t) => sum + t.dims.reduce((a, b) => a * b, 1), 0)
  const headCount = arch('attention.head_count') ?? 0
  const tokens = meta.get('tokenizer.ggml.tokens')
  const tokenCount = Array.isArray(tokens) ? tokens.length : num((tokens as { length?: unknown } | undefined)?.length)
  const name = meta.get('general.name')
  return {
    ...file,
    architecture,
    name: typeof name === 'string' ? name : null,
    parameters,
    fileType: dominantTypeName(scan.tensors),
    bitsPerWeight: parameters > 0 ? ((file.fileBytes - scan.dataOffset) * 8) / parameters : 0,
    layers: arch('block_count') ?? 0,
    embeddingSize: arch('embedding_length') ?? 0,
    headCount,
    headCountKv: arch('attention.head_count_kv') ?? headCount,
    vocabSize: arch('vocab_size') ?? tokenCount ?? 0,
    trainContextSize: arch('context_length') ?? 0,
    hasChatTemplate: typeof meta.get('tokenizer.chat_template') === 'string',
    tensorCount: scan.tensors.length,
  }
}
