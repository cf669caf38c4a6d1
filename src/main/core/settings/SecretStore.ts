import { mkdir, readFile, rename } from 'node:fs/promises'
import { dirname } from 'node:path'
import { writeSynced } from '../writeSynced'

/**
 * How secrets are kept on disk: the desktop app seals them with the system's keychain (Electron's `safeStorage`);
 * headless mode and the CLI keep them as they are, in a file only the user can read.
 */
export type SecretCodec = {
  /** Names how the file's values are sealed; a file sealed another way is not read. */
  readonly name: string
  seal(plain: string): string
  open(sealed: string): string
}

const PLAIN: SecretCodec = { name: 'plain', seal: (text) => text, open: (text) => text }

/** Keys by name (e.g. the base URL of a server), read once and saved after every change; never logged. */
export interface SecretStore {
  get(name: string): string | null
  /** Sets or (with null) forgets a secret; resolves once it is on disk. */
  set(name: string, value: string | null): Promise<void>
  /** The last problem with the file, said without any secret; null when none. */
  readonly warning: string | null
}

/**
 * Secrets in a JSON file (mode 0600, written to a temporary file, synced, renamed): `{ codec, secrets }`. A file
 * that cannot be read or opened with this codec starts an empty store, said in `warning`, and is not written over.
 */
export class FileSecretStore implements SecretStore {
  private saving: Promise<void> = Promise.resolve()

  private constructor(
    private readonly path: string | null,
    private readonly codec: SecretCodec,
    private readonly values: Map<string, string>,
    public warning: string | null,
  ) {}

  static inMemory(): FileSecretStore {
    return new FileSecretStore(null, PLAIN, new Map(), null)
  }

  static async open(path: string, codec: SecretCodec = PLAIN): Promise<FileSecretStore> {
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new FileSecretStore(path, codec, new Map(), null)
      return new FileSecretStore(null, codec, new Map(), `Could not read ${path}; saved keys are not available and new ones last until Arbor quits.`)
    }
    try {
      const raw = JSON.parse(text) as { codec?: unknown; secrets?: Record<string, unknown> }
      if (raw.codec !== codec.name) throw new Error(`sealed with "${String(raw.codec)}"`)
      const values = new Map<string, string>()
      for (const [name, sealed] of Object.entries(raw.secrets ?? {})) if (typeof sealed === 'string') values.set(name, codec.open(sealed))
      return new FileSecretStore(path, codec, values, null)
    } catch {
      return new FileSecretStore(null, codec, new Map(), `${path} could not be opened here; saved keys are not available and new ones last until Arbor quits.`)
    }
  }

  get(name: string): string | null {
    return this.values.get(name) ?? null
  }

  async set(name: string, value: string | null): Promise<void> {
    if (value === null) this.values.delete(name)
    else this.values.set(name, value)
    const secrets = Object.fromEntries([...this.values].map(([key, plain]) => [key, this.codec.seal(plain)]))
    this.saving = this.saving.then(() => this.write(`${JSON.stringify({ codec: this.codec.name, secrets }, null, 2)}\n`))
    await this.saving
  }

  private async write(text: string): Promise<void> {
    const path = this.path
    if (!path) return
    try {
      await mkdir(dirname(path), { recursive: true })
      const temporary = `${path}.${process.pid}.tmp`
      await writeSynced(temporary, text, 'w', 0o600)
      await rename(temporary, path)
      this.warning = null
    } catch {
      this.warning = `Keys could not be saved to ${path}; they last until Arbor quits.`
    }
  }
}

/** The name a server's key is kept under (its base URL as Arbor normalises it). */
export const engineKeyName = (baseUrl: string): string => `engine:${baseUrl}`
