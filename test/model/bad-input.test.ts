import { execFileSync } from 'node:child_process'
import { copyFile, mkdir, open, rm, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildLlamaSpec } from '../../src/main/core/gguf-writer/makeLlamaModel'
import { shapes } from '../../src/main/core/gguf-writer/shapes'
import { writeGguf } from '../../src/main/core/gguf-writer/writeGguf'
import { getShapePath } from '../helpers/fixtures'
import { codeOf, createTestCore, type TestCore } from '../helpers/testCore'

/** Every bad input gets a stable code and a message for a person; the core keeps answering. */
describe('bad model files', () => {
  let t: TestCore
  let tiny: string
  const file = (name: string) => join(t.modelsFolder, name)
  const inspect = (path: string) => t.core.request('model.inspect', { path })

  beforeAll(async () => {
    t = await createTestCore()
    tiny = await getShapePath('tiny')
  })
  afterAll(() => t.dispose())

  it('a text file renamed .gguf: GGUF_BAD_MAGIC', async () => {
    await writeFile(file('notes.gguf'), 'These are my notes, not a model.\n')
    const r = await inspect(file('notes.gguf'))
    expect(codeOf(r)).toBe('GGUF_BAD_MAGIC')
    expect(!r.ok && r.error.message).toMatch(/not a GGUF model file/)
  })

  it('an empty file: GGUF_BAD_MAGIC, saying it is empty', async () => {
    await writeFile(file('empty.gguf'), '')
    const r = await inspect(file('empty.gguf'))
    expect(codeOf(r)).toBe('GGUF_BAD_MAGIC')
    expect(!r.ok && r.error.message).toMatch(/The file is empty \(0 bytes\)/)
  })

  it('a header cut short: GGUF_TRUNCATED', async () => {
    await copyFile(tiny, file('cut-header.gguf'))
    await truncate(file('cut-header.gguf'), 2000)
    expect(codeOf(await inspect(file('cut-header.gguf')))).toBe('GGUF_TRUNCATED')
  })

  it('tensor data cut short: GGUF_TRUNCATED_DATA, with the sizes', async () => {
    await copyFile(tiny, file('cut-data.gguf'))
    const handle = await open(file('cut-data.gguf'), 'r+')
    const { size } = await handle.stat()
    await handle.truncate(size - 4096)
    await handle.close()
    const r = await inspect(file('cut-data.gguf'))
    expect(codeOf(r)).toBe('GGUF_TRUNCATED_DATA')
    expect(!r.ok && r.error.code === 'GGUF_TRUNCATED_DATA' && r.error.details?.fileBytes).toBe(size - 4096)
  })

  it('absurd counts in the header: GGUF_CORRUPT, without trying to read them', async () => {
    await copyFile(tiny, file('absurd.gguf'))
    const handle = await open(file('absurd.gguf'), 'r+')
    const huge = Buffer.alloc(8)
    huge.writeBigUInt64LE(1n << 60n)
    await handle.write(huge, 0, 8, 16) // metadata count
    await handle.close()
    expect(codeOf(await inspect(file('absurd.gguf')))).toBe('GGUF_CORRUPT')
  })

  it('an architecture llama.cpp does not know: GGUF_UNSUPPORTED_ARCH', async () => {
    const spec = buildLlamaSpec(shapes.tiny)
    const metadata = spec.metadata.map((kv) =>
      kv.key === 'general.architecture' ? { ...kv, value: 'treeformer' } : kv.key.startsWith('llama.') ? { ...kv, key: kv.key.replace('llama.', 'treeformer.') } : kv,
    )
    await writeGguf(file('alien.gguf'), { ...spec, metadata } as typeof spec)
    const r = await inspect(file('alien.gguf'))
    expect(codeOf(r)).toBe('GGUF_UNSUPPORTED_ARCH')
    expect(!r.ok && r.error.message).toContain('treeformer')
  })

  it('a folder, a missing file and a non-regular file', async () => {
    await mkdir(file('folder.gguf'))
    expect(codeOf(await inspect(file('folder.gguf')))).toBe('FILE_IS_DIRECTORY')
    expect(codeOf(await inspect(file('missing.gguf')))).toBe('FILE_NOT_FOUND')
    execFileSync('mkfifo', [file('pipe.gguf')])
    expect(codeOf(await inspect(file('pipe.gguf')))).toBe('FILE_UNREADABLE')
  })

  it('a file deleted between inspect and load: FILE_NOT_FOUND, and nothing is loaded', async () => {
    await copyFile(tiny, file('vanishing.gguf'))
    expect(codeOf(await inspect(file('vanishing.gguf')))).toBe('ok')
    await rm(file('vanishing.gguf'))
    const r = await t.core.request('model.load', {
      path: file('vanishing.gguf'),
      settings: { contextSize: 256, sequences: 1, gpuLayers: 0, kvCacheType: 'F16', threads: 2 },
    })
    expect(codeOf(r)).toBe('FILE_NOT_FOUND')
    const snapshot = await t.core.request('app.snapshot', undefined)
    expect(snapshot.ok && snapshot.value.load.status).not.toBe('loaded')
  })

  it('malformed and unknown requests are refused with a reason', async () => {
    expect(codeOf(await t.core.handle('model.inspect', { path: 42 }))).toBe('BAD_REQUEST')
    expect(codeOf(await t.core.handle('model.explode', {}))).toBe('UNKNOWN_REQUEST')
  })

  it('a prompt while no model is loaded: NO_MODEL_LOADED', async () => {
    expect(codeOf(await t.core.request('chat.send', { text: 'hello?' }))).toBe('NO_MODEL_LOADED')
  })

  it('still answers after all of that', async () => {
    expect(codeOf(await inspect(tiny))).toBe('ok')
  })
})
