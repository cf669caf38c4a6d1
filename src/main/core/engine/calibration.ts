const MiB = 1024 * 1024

/**
 * What node-llama-cpp's V2 estimates leave out, measured with `npm run arbor -- measure`
 * (RSS growth after filling every KV cell) on generated llama shapes, CPU only, 2 cores:
 *
 * | shape            | context × seq | V2 + KV split | measured | missing |
 * | ---------------- | ------------- | ------------- | -------- | ------- |
 * | tiny 1.1M F32    | 512 × 1       | 9.0 MiB       | 23.5 MiB | 14.5    |
 * | gqa 2.6M Q8_0    | 2048 × 1      | 12.1 MiB      | 23.9 MiB | 11.8    |
 * | small 25M F16    | 512 × 1       | 68.2 MiB      | 80.8 MiB | 12.6    |
 * | small 25M F16    | 1024 × 4      | 110.2 MiB     | 121.3 MiB| 11.1    |
 * | oneB 1.1B Q8_0   | 512 × 1       | 1205.6 MiB    | 1227.5   | 21.9    |
 * | oneB 1.1B Q8_0   | 2048 × 1      | 1253.6 MiB    | 1260.5   | 7.0     |
 *
 * The gap does not grow with context or sequences: it is a fixed cost of the process (llama.cpp's
 * thread pool and backend state, allocator arenas), about 12 MiB. The benchmark re-measures it.
 */
export const calibration = {
  /** Resident memory the runtime adds once per process when a model is loaded. */
  processRamBytes: 12 * MiB,
  /** Resident memory each context adds beyond its KV cache and compute buffers (none seen). */
  contextRamBytes: 0,
  /** Per sequence beyond its KV cells (none seen). */
  perSequenceRamBytes: 0,
  /** Not measured yet: no GPU on the machines this was calibrated on. */
  processVramBytes: 0,
}
