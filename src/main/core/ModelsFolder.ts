import { watch, type FSWatcher } from 'node:fs'
import { mkdir, readdir, rm, stat } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { ArborFailure } from '../../shared/errors'
import type { ModelEntry } from '../../shared/types'
import { DEMO_FILE_NAME } from './arborHome'
import { freeFileName } from './freeFileName'
import { makeDemoModel } from './gguf-writer/makeDemoModel'

/** The folder Arbor watches for `.gguf` files; uploads and the demo model land here too. */
export class ModelsFolder {
  private watcher: FSWatcher | null = null
  private debounce: NodeJS.Timeout | null = null

  constructor(readonly path: string) {}

  async list(): Promise<ModelEntry[]> {
    await mkdir(this.path, { recursive: true })
    const names = await readdir(this.path)
    const entries: ModelEntry[] = []
    for (const fileName of names) {
      if (!fileName.toLowerCase().endsWith('.gguf')) continue
      const path = join(this.path, fileName)
      const info = await stat(path).catch(() => null)
      if (!info?.isFile()) continue
      entries.push({ path, fileName, fileBytes: info.size, modifiedAt: info.mtimeMs, isDemo: fileName === DEMO_FILE_NAME })
    }
    return entries.sort((a, b) => a.fileName.localeCompare(b.fileName))
  }

  /** Calls `onChange` (debounced) when files appear, change or go. */
  async watch(onChange: () => void): Promise<void> {
    await mkdir(this.path, { recursive: true })
    this.watcher = watch(this.path, () => {
      if (this.debounce) clearTimeout(this.debounce)
      this.debounce = setTimeout(onChange, 200)
    })
    this.watcher.on('error', () => this.watcher?.close())
  }

  async createDemo(): Promise<ModelEntry> {
    await mkdir(this.path, { recursive: true })
    const path = join(this.path, DEMO_FILE_NAME)
    await makeDemoModel(path)
    const info = await stat(path)
    return { path, fileName: DEMO_FILE_NAME, fileBytes: info.size, modifiedAt: info.mtimeMs, isDemo: true }
  }

  /** Deletes one model file of this folder (nothing outside it, no folder); returns the bytes freed. */
  async delete(path: string): Promise<number> {
    const full = resolve(path)
    if (dirname(full) !== resolve(this.path) || !full.toLowerCase().endsWith('.gguf'))
      throw new ArborFailure('BAD_REQUEST', `Only a .gguf file of the models folder (${this.path}) can be deleted here.`, { field: 'path' })
    const info = await stat(full).catch(() => null)
    if (!info?.isFile()) throw new ArborFailure('FILE_NOT_FOUND', `No model file at ${full}: it may have been deleted already.`, { path: full })
    await rm(full)
    return info.size
  }

  /** A free file name in the folder for an upload of `name`. */
  freeName(name: string): Promise<string> {
    return freeFileName(this.path, name, '.gguf')
  }

  close(): void {
    if (this.debounce) clearTimeout(this.debounce)
    this.watcher?.close()
    this.watcher = null
  }
}
