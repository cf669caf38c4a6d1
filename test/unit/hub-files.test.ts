import { describe, expect, it } from 'vitest'
import { chooseFile, groupGgufFiles, parseHubRef, quantizationOf } from '../../src/shared/hub/hubFiles'

describe("a Hub repository's files, as models to choose from", () => {
  it('names the quantization of the file names people publish', () => {
    expect(quantizationOf('Qwen3-8B-Q4_K_M.gguf')).toBe('Q4_K_M')
    expect(quantizationOf('llama-3.1-8b-instruct.IQ3_XXS.gguf')).toBe('IQ3_XXS')
    expect(quantizationOf('gemma-3-4b-it-UD-Q8_K_XL.gguf')).toBe('Q8_K_XL')
    expect(quantizationOf('model-bf16-00001-of-00002.gguf')).toBe('BF16')
    expect(quantizationOf('Q8_0/model-Q8_0.gguf')).toBe('Q8_0')
    expect(quantizationOf('mmproj.gguf')).toBeNull()
  })

  it('combines the parts of a split file, and leaves out an incomplete set and what is not a GGUF', () => {
    const file = (path: string, size: number) => ({ type: 'file', path, size, lfs: { oid: path.length.toString(16).padStart(64, '0'), size } })
    const files = groupGgufFiles([
      file('big-Q8_0-00002-of-00002.gguf', 500),
      file('big-Q8_0-00001-of-00002.gguf', 1000),
      file('half-F16-00001-of-00003.gguf', 10),
      file('big-Q4_K_M.gguf', 800),
      { type: 'file', path: 'README.md', size: 3 },
      { type: 'directory', path: 'sub.gguf', size: 0 },
    ])
    expect(files.map((f) => [f.path, f.quantization, f.totalBytes, f.parts.length])).toEqual([
      ['big-Q4_K_M.gguf', 'Q4_K_M', 800, 1],
      ['big-Q8_0-00001-of-00002.gguf', 'Q8_0', 1500, 2],
    ])
    expect(files[1]!.parts.map((p) => p.path)).toEqual(['big-Q8_0-00001-of-00002.gguf', 'big-Q8_0-00002-of-00002.gguf'])
  })

  it('reads hf: references and picks the file they mean (named, by quantization, else Q4_K_M)', () => {
    expect(parseHubRef('hf:unsloth/Qwen3-8B-GGUF:q4_k_m')).toEqual({ repo: 'unsloth/Qwen3-8B-GGUF', quantization: 'Q4_K_M', file: null })
    expect(parseHubRef('hf:org/repo/sub/model.Q8_0.gguf')).toEqual({ repo: 'org/repo', quantization: null, file: 'sub/model.Q8_0.gguf' })
    expect(parseHubRef('huggingface.co/org/repo')).toEqual({ repo: 'org/repo', quantization: null, file: null })
    expect(parseHubRef('./model.gguf')).toBeNull()
    expect(parseHubRef('hf:../../etc')).toBeNull()
    expect(parseHubRef('hf:../..')).toBeNull()
    expect(parseHubRef('hf:o/r/../x.gguf')).toBeNull()
    const files = groupGgufFiles(['m-Q2_K.gguf', 'm-Q4_K_M.gguf', 'm-F16.gguf'].map((path, i) => ({ type: 'file', path, size: i + 1 })))
    expect(chooseFile(files, { repo: 'o/r', quantization: null, file: null })!.path).toBe('m-Q4_K_M.gguf')
    expect(chooseFile(files, { repo: 'o/r', quantization: 'F16', file: null })!.path).toBe('m-F16.gguf')
    expect(chooseFile(files, { repo: 'o/r', quantization: 'Q5_K_M', file: null })).toBeNull()
  })
})
