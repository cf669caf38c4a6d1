import { copyFile, mkdir, readFile, rename } from 'node:fs/promises'
import { dirname } from 'node:path'
import { DEFAULT_APP_SETTINGS, type AppSettings } from '../../../shared/appSettings'
import { appSettingsFields } from '../../../shared/contract/settingsSchemas'
import { writeSynced } from '../writeSynced'

const message = (error: unknown): string => (error as Error)?.message ?? String(error)

/**
 * What a settings file says, field by field: a field that is missing or out of bounds takes its default and is
 * named in `problems`; the others are kept. Never throws.
 */
export function parseSettings(text: string): { settings: AppSettings; problems: string[] } {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (error) {
    return { settings: { ...DEFAULT_APP_SETTINGS }, problems: [`it is not JSON (${message(error)})`] }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { settings: { ...DEFAULT_APP_SETTINGS }, problems: ['it is not a JSON object'] }
  const settings: Record<string, unknown> = { ...DEFAULT_APP_SETTINGS }
  const problems: string[] = []
  for (const [key, schema] of Object.entries(appSettingsFields)) {
    if (!(key in raw)) continue
    const parsed = schema.safeParse((raw as Record<string, unknown>)[key])
    if (parsed.success) settings[key] = parsed.data
    else problems.push(`"${key}" is not a valid value (${JSON.stringify((raw as Record<string, unknown>)[key])?.slice(0, 80)})`)
  }
  return { settings: settings as AppSettings, problems }
}

/**
 * The user's app settings, read once and saved after every change (a temporary file, synced, renamed over the old
 * one: a crash leaves the old file or the new one). A file with a bad field keeps its other fields; before it is
 * first written over, a copy is kept as `<file>.bak`, and when none can be made nothing is written this run.
 */
export class SettingsStore {
  private saving: Promise<void> = Promise.resolve()
  private backedUp: boolean

  private constructor(
    /** The file; null for settings kept in memory (tests, the CLI without a home). */
    readonly path: string | null,
    private current: AppSettings,
    /** The file as read needs a copy before it is replaced (it had problems). */
    needsBackup: boolean,
    /** The last problem with the file, for people; null when none. */
    public warning: string | null,
  ) {
    this.backedUp = !needsBackup
  }

  static inMemory(settings: Partial<AppSettings> = {}): SettingsStore {
    return new SettingsStore(null, { ...DEFAULT_APP_SETTINGS, ...settings }, false, null)
  }

  /** Reads `path` (a missing file is a first run). Never rejects: problems become `warning`. */
  static async open(path: string): Promise<SettingsStore> {
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new SettingsStore(path, { ...DEFAULT_APP_SETTINGS }, false, null)
      // Unreadable (permissions, a folder): nothing is written over it this run.
      const store = new SettingsStore(null, { ...DEFAULT_APP_SETTINGS }, false, `Could not read ${path} (${message(error)}); the settings start from the defaults and changes last until Arbor quits.`)
      return store
    }
    const { settings, problems } = parseSettings(text)
    const warning = problems.length ? `${path}: ${problems.join('; ')}. Those settings start from the defaults; the file is copied to ${path}.bak before it is changed.` : null
    return new SettingsStore(path, settings, problems.length > 0, warning)
  }

  get settings(): AppSettings {
    return { ...this.current }
  }

  /** Changes some settings and saves them; resolves with all of them once on disk. */
  async update(change: Partial<AppSettings>): Promise<AppSettings> {
    this.current = { ...this.current, ...change }
    const snapshot = this.settings
    this.saving = this.saving.then(() => this.write(snapshot))
    await this.saving
    return snapshot
  }

  private async write(settings: AppSettings): Promise<void> {
    const path = this.path
    if (!path) return
    try {
      await mkdir(dirname(path), { recursive: true })
      if (!this.backedUp) {
        await copyFile(path, `${path}.bak`)
        this.backedUp = true
      }
      const temporary = `${path}.${process.pid}.tmp`
      // It holds keys and tokens: readable by the user alone.
      await writeSynced(temporary, `${JSON.stringify(settings, null, 2)}\n`, 'w', 0o600)
      await rename(temporary, path)
      this.warning = null
    } catch (error) {
      this.warning = `The settings could not be saved to ${path} (${message(error)}); they last until Arbor quits.`
      console.warn(`Arbor: ${this.warning}`)
    }
  }
}
