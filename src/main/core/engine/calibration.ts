const MiB = 1024 * 1024

/**
 * What node-llama-cpp's V2 estimates leave out, measured with `npm run arbor -- measure` (the process's resident
 * memory after filling every KV cell, the JavaScript heap counted by what is alive after a collection: see
 * measureMemory) on generated llama shapes, CPU only, 2 cores, two runs each:
 *
 * | shape            | context × seq | V2 + KV split | measured          | missing       |
 * | ---------------- | ------------- | ------------- | ----------------- | ------------- |
 * | tiny 1.1M F32    | 512 × 1       | 9.0 MiB       | 12.2–12.8 MiB     | 3.2–3.8       |
 * | gqa 2.6M Q8_0    | 2048 × 1      | 12.1 MiB      | 14.0–15.6 MiB     | 1.9–3.5       |
 * | small 25M F16    | 512 × 1       | 68.2 MiB      | 68.5–76.6 MiB     | 0.3–8.4       |
 * | small 25M F16    | 1024 × 4      | 110.2 MiB     | 117.0–120.3 MiB   | 6.8–10.0      |
 * | mid 215M Q8_0    | 2048 × 1      | 277.4 MiB     | 296.6–302.8 MiB   | 19.2–25.3     |
 * | oneB 1.1B Q8_0   | 512 × 1       | 1205.6 MiB    | 1231.5–1232.2 MiB | 25.9–26.6     |
 *
 * A few MiB are a fixed cost of the process (llama.cpp's thread pool and backend state, allocator arenas); the
 * rest grows with the model (the larger vocabularies and node-llama-cpp's tables for them) in a way not modelled
 * yet, so larger shapes are under-estimated by 1–6% (see `npm run bench`). An earlier table (a 12 MiB fixed cost)
 * was measured with the whole committed JavaScript heap, which swung by up to 20 MB between two identical loads.
 */
export const calibration = {
  /** Resident memory the runtime adds once per process when a model is loaded. */
  processRamBytes: 3 * MiB,
  /** Resident memory each context adds beyond its KV cache and compute buffers (none seen). */
  contextRamBytes: 0,
  /** Per sequence beyond its KV cells (none seen). */
  perSequenceRamBytes: 0,
  /** Not measured yet: no GPU on the machines this was calibrated on. */
  processVramBytes: 0,
}
