import type { LlamaShape } from './makeLlamaModel'

/**
 * Named model shapes for tests, benchmarks and the CLI. Parameter counts (see `estimateParams`):
 * tiny ≈ 1.1M (F32, ~4 MB), small ≈ 25.4M (F16, ~51 MB), gqa ≈ 2.6M (Q8_0, 4 query heads per KV head),
 * tied ≈ 0.5M (F16, tied embeddings, GQA), oneB ≈ 1.10B (Q8_0, ~1.2 GB; llama-3.2-1B-like).
 */
export const shapes = {
  tiny: { nLayer: 4, nEmbd: 128, nHead: 4, nHeadKv: 4, nFf: 384, nCtxTrain: 2048, vocabSize: 1024, tensorType: 'F32' },
  small: { nLayer: 6, nEmbd: 512, nHead: 8, nHeadKv: 8, nFf: 1408, nCtxTrain: 4096, vocabSize: 6000, tensorType: 'F16' },
  gqa: { nLayer: 2, nEmbd: 256, nHead: 8, nHeadKv: 2, nFf: 768, nCtxTrain: 2048, vocabSize: 2048, tensorType: 'Q8_0' },
  tied: {
    nLayer: 2, nEmbd: 128, nHead: 4, nHeadKv: 2, nFf: 384, nCtxTrain: 2048, vocabSize: 1024, tensorType: 'F16', tiedEmbeddings: true,
  },
  mid: { nLayer: 12, nEmbd: 1024, nHead: 16, nHeadKv: 4, nFf: 4096, nCtxTrain: 2048, vocabSize: 16000, tensorType: 'Q8_0' },
  oneB: { nLayer: 16, nEmbd: 2048, nHead: 32, nHeadKv: 8, nFf: 8192, nCtxTrain: 4096, vocabSize: 32000, tensorType: 'Q8_0' },
} as const satisfies Record<string, LlamaShape>

export type ShapeName = keyof typeof shapes

export const shapeNames = Object.keys(shapes) as ShapeName[]
