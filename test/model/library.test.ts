import { copyFile, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { LIBRARY_FILE_NAME } from '../../src/main/core/library/ModelLibrary'
import { shapes } from '../../src/main/core/gguf-writer/shapes'
import { getShapePath } from '../helpers/fixtures'
import { codeOf, createTestCore, unwrap } from '../helpers/testCore'

const settings = { contextSize: 512, sequences: 2, gpuLayers: 0, kvCacheType: 'F16' as const, threads: 2 }

/** The models folder as a library: what each model is, when it was used, with which settings; rename; reload. */
describe('model library', () => {
  it('remembers each model’s last load and settings, describes it with them, and follows a rename', async () => {
    const t = await createTestCore()
    try {
      const path = join(t.modelsFolder, 'tiny.gguf')
      await copyFile(await getShapePath('tiny'), path)
      const [fresh] = unwrap(await t.core.request('models.list', undefined))
      expect(fresh).toMatchObject({ fileName: 'tiny.gguf', lastUsedAt: null, settings: null })

      const before = Date.now()
      unwrap(await t.core.request('model.load', { path, settings }))
      const [used] = unwrap(await t.core.request('models.list', undefined))
      expect(used!.settings).toEqual(settings)
      expect(used!.lastUsedAt).toBeGreaterThanOrEqual(before)

      const described = unwrap(await t.core.request('models.describe', { path }))
      expect(described).toMatchObject({ architecture: 'llama', fileType: 'F32', verdict: 'ram', settings: { contextSize: 512, sequences: 2 } })
      expect(described.parameters).toBeGreaterThan(shapes.tiny.nEmbd * shapes.tiny.vocabSize)

      // The loaded file keeps its name; unloaded, it renames, and what is remembered follows it.
      expect(codeOf(await t.core.request('models.rename', { path, name: 'other' }))).toBe('MODEL_IN_USE')
      unwrap(await t.core.request('model.unload', undefined))
      await copyFile(path, join(t.modelsFolder, 'taken.gguf'))
      expect(codeOf(await t.core.request('models.rename', { path, name: 'taken.gguf' }))).toBe('FILE_EXISTS')
      for (const bad of ['../escape', 'a/b', '.hidden', 'x\u0000y'])
        expect(codeOf(await t.core.request('models.rename', { path, name: bad })), bad).toBe('BAD_REQUEST')
      const renamed = unwrap(await t.core.request('models.rename', { path, name: 'My tiny model' }))
      expect(renamed).toMatchObject({ fileName: 'My tiny model.gguf', settings })
      expect((await readdir(t.modelsFolder)).filter((n) => n.endsWith('.gguf')).sort()).toEqual(['My tiny model.gguf', 'taken.gguf'])
      expect(codeOf(await t.core.request('models.rename', { path: join(t.modelsFolder, '..', 'x.gguf'), name: 'y' }))).toBe('BAD_REQUEST')
      // Without a file manager (headless), reveal says so and gives the path to show instead.
      expect(unwrap(await t.core.request('models.reveal', { path: renamed.path }))).toEqual({ revealed: false, path: renamed.path })
    } finally {
      await t.dispose()
    }
  }, 60_000)

  it('keeps one copy of a model dropped again after the first was renamed, and refuses to rename the model being loaded', async () => {
    const t = await createTestCore()
    try {
      const folder = t.core.modelsFolder
      const first = join(t.modelsFolder, 'model.gguf')
      await copyFile(await getShapePath('tiny'), first)
      expect(await folder.keepOne(first)).toBe(first)
      const renamed = unwrap(await t.core.request('models.rename', { path: first, name: 'Llama' }))
      // The same bytes again, under the name the first one had.
      await copyFile(await getShapePath('tiny'), first)
      expect(await folder.keepOne(first)).toBe(renamed.path)
      expect((await readdir(t.modelsFolder)).filter((n) => n.endsWith('.gguf'))).toEqual(['Llama.gguf'])
      // While it loads, it is in use as much as once loaded.
      const big = join(t.modelsFolder, 'small.gguf')
      await copyFile(await getShapePath('small'), big)
      const loading = t.core.request('model.load', { path: big, settings })
      await expect.poll(() => t.core.engine.state.status, { timeout: 30_000, interval: 5 }).not.toBe('idle')
      const stateThen = t.core.engine.state.status
      const during = await t.core.request('models.rename', { path: big, name: 'other' })
      unwrap(await loading)
      expect(codeOf(during)).toBe('MODEL_IN_USE')
      // Asked while it loaded (nearly always: the load takes far longer than a poll), it says so.
      if (stateThen === 'loading') expect(!during.ok && during.error.message).toMatch(/being loaded/)
    } finally {
      await t.dispose()
    }
  }, 60_000)

  it('loads the last model again on start when the settings ask for it, and starts empty from a damaged library', async () => {
    const first = await createTestCore()
    const settingsFile = join(first.modelsFolder, '..', 'settings.json')
    const path = join(first.modelsFolder, 'tiny.gguf')
    await copyFile(await getShapePath('tiny'), path)
    unwrap(await first.core.request('model.load', { path, settings }))
    await first.core.dispose()
    await writeFile(settingsFile, JSON.stringify({ reloadLastModel: true }))

    const again = await createTestCore({ modelsFolder: first.modelsFolder, settingsFile })
    try {
      const deadline = Date.now() + 30_000
      const state = async () => unwrap(await again.core.request('app.snapshot', undefined)).load
      while ((await state()).status !== 'loaded' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
      expect(await state()).toMatchObject({ status: 'loaded', model: { facts: { path }, settings } })
    } finally {
      await again.dispose()
    }

    // A library file that is not one: set aside, and the folder still lists its models.
    await writeFile(join(first.modelsFolder, LIBRARY_FILE_NAME), '{"version": 1, "models": [')
    const damaged = await createTestCore({ modelsFolder: first.modelsFolder })
    try {
      expect(unwrap(await damaged.core.request('models.list', undefined))).toMatchObject([{ fileName: 'tiny.gguf', lastUsedAt: null }])
      expect(await readFile(join(first.modelsFolder, `${LIBRARY_FILE_NAME}.bak`), 'utf8')).toContain('"models": [')
    } finally {
      await damaged.dispose()
      await rm(join(first.modelsFolder, '..'), { recursive: true, force: true })
    }
  }, 90_000)
})
