/**
 * What node-llama-cpp's V2 estimates leave out, measured with `npm run arbor -- measure`
 * on generated shapes (see bench/ and README "Memory estimates"). Zero until measured.
 */
export const calibration = {
  /** Resident memory the runtime adds once per process when a model is loaded. */
  processRamBytes: 0,
  /** Resident memory each context adds beyond its KV cache and compute buffers. */
  contextRamBytes: 0,
  perSequenceRamBytes: 0,
  processVramBytes: 0,
}
