import { watch, type FSWatcher } from 'node:fs'
import { link, mkdir, readdir, rename, rm, stat, unlink } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { ArborFailure } from '../../shared/errors'
import type { LoadSettings, ModelEntry } from '../../shared/types'
import { DEMO_FILE_NAME } from './arborHome'
import { freeFileName } from './freeFileName'
import { makeDemoModel } from './gguf-writer/makeDemoModel'
import { ModelLibrary } from './library/ModelLibrary'

/** A name a user may give a model file: one file name, no folder, nothing Windows refuses, no control characters. */
const goodName = (name: string): boolean =>
  name.length >= 1 && name.length <= 200 && !/[/\\<>:"|?*]/.test(name) && ![...name].some((c) => c.charCodeAt(0) < 0x20)

/**
 * The folder Arbor watches for `.gguf` files; uploads, downloads and the demo model land here too. With its
 * library (`ModelLibrary`): each model's last use and settings, and one copy of each model.
 */
export class ModelsFolder {
  private watcher: FSWatcher | null = null
  private debounce: NodeJS.Timeout | null = null
  private opened: Promise<ModelLibrary> | null = null

  constructor(readonly path: string) {}

  /** The library, read on first use. */
  library(): Promise<ModelLibrary> {
    const opening = (this.opened ??= mkdir(this.path, { recursive: true }).then(() => ModelLibrary.open(this.path)))
    // A folder that could not be made now may be made later: the next call tries again.
    opening.catch(() => {
      if (this.opened === opening) this.opened = null
    })
    return opening
  }

  async list(): Promise<ModelEntry[]> {
    const library = await this.library()
    const names = await readdir(this.path)
    const entries: ModelEntry[] = []
    for (const fileName of names) {
      if (!fileName.toLowerCase().endsWith('.gguf')) continue
      const path = join(this.path, fileName)
      const info = await stat(path).catch(() => null)
      if (!info?.isFile()) continue
      entries.push(this.entry(library, path, fileName, info.size, info.mtimeMs))
    }
    return entries.sort((a, b) => a.fileName.localeCompare(b.fileName))
  }

  private entry(library: ModelLibrary, path: string, fileName: string, fileBytes: number, modifiedAt: number): ModelEntry {
    const record = library.record(path)
    return { path, fileName, fileBytes, modifiedAt, isDemo: fileName === DEMO_FILE_NAME, lastUsedAt: record?.lastUsedAt ?? null, settings: record?.settings ?? null }
  }

  /** A load of `path` with `settings` succeeded: remembered as its last use (also for files outside the folder). */
  async used(path: string, settings: LoadSettings): Promise<void> {
    await (await this.library()).used(path, settings)
  }

  /** The model loaded last and its settings, when its file is still there. */
  async lastLoaded(): Promise<{ path: string; settings: LoadSettings } | null> {
    return (await this.library()).lastLoaded()
  }

  /**
   * `path` (a file just added to the folder) when no other file of the folder has its bytes; otherwise that other
   * file, and `path` is deleted: a second upload of a model is not a second copy.
   */
  async keepOne(path: string): Promise<string> {
    const library = await this.library()
    return library.keepOne(path, await this.list())
  }

  /** A file of the folder with these bytes (size, SHA-256), or null. */
  async findCopy(bytes: number, sha256: string): Promise<string | null> {
    const library = await this.library()
    return library.findCopy(bytes, sha256, await this.list())
  }

  /** Renames a model file of this folder to `name` (`.gguf` added when missing); refuses a taken name. */
  async rename(path: string, name: string): Promise<ModelEntry> {
    const from = this.own(path)
    const trimmed = name.trim()
    if (!goodName(trimmed) || trimmed === '.' || trimmed === '..' || trimmed.startsWith('.'))
      throw new ArborFailure('BAD_REQUEST', `"${name.slice(0, 80)}" cannot be a file name: one name, without / \\ : * ? " < > | and not starting with a dot.`, { field: 'name' })
    const fileName = trimmed.toLowerCase().endsWith('.gguf') ? trimmed : `${trimmed}.gguf`
    const to = join(this.path, fileName)
    const info = await stat(from).catch(() => null)
    if (!info?.isFile()) throw new ArborFailure('FILE_NOT_FOUND', `No model file at ${from}: it may have been deleted or renamed already.`, { path: from })
    if (to === from) return this.entry(await this.library(), to, fileName, info.size, info.mtimeMs)
    const taken = () => new ArborFailure('FILE_EXISTS', `There is already a ${fileName} in the models folder. Choose another name.`, { path: to })
    if (to.toLowerCase() === from.toLowerCase()) {
      // Only the case changes: on a file system that ignores case the "other" file is this one.
      await rename(from, to)
    } else {
      // A hard link then an unlink: never over another file, even one that appears meanwhile.
      try {
        await link(from, to)
        await unlink(from)
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code
        if (code === 'EEXIST') throw taken()
        // A file system without hard links (FAT, exFAT): a check, then a plain rename.
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV') throw error
        if (await stat(to).catch(() => null)) throw taken()
        await rename(from, to)
      }
    }
    const library = await this.library()
    await library.moved(from, to)
    return this.entry(library, to, fileName, info.size, info.mtimeMs)
  }

  /** `path`, resolved, when it is a `.gguf` file name of this folder; refused otherwise. */
  own(path: string): string {
    const full = resolve(path)
    if (dirname(full) !== resolve(this.path) || !full.toLowerCase().endsWith('.gguf'))
      throw new ArborFailure('BAD_REQUEST', `Only a .gguf file of the models folder (${this.path}) can be changed here.`, { field: 'path' })
    return full
  }

  /** Calls `onChange` (debounced) when files appear, change or go. */
  async watch(onChange: () => void): Promise<void> {
    await mkdir(this.path, { recursive: true })
    this.watcher = watch(this.path, (_event, name) => {
      // The library's own file and temporary files change no model.
      if (name && !String(name).toLowerCase().endsWith('.gguf')) return
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
    return this.entry(await this.library(), path, DEMO_FILE_NAME, info.size, info.mtimeMs)
  }

  /** Deletes one model file of this folder (nothing outside it, no folder); returns the bytes freed. */
  async delete(path: string): Promise<number> {
    const full = this.own(path)
    const info = await stat(full).catch(() => null)
    if (!info?.isFile()) throw new ArborFailure('FILE_NOT_FOUND', `No model file at ${full}: it may have been deleted already.`, { path: full })
    await rm(full)
    await (await this.library()).forget(full)
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
