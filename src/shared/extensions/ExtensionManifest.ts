/** Per-extension call limits in milliseconds. */
export type ExtensionTimeouts = {
  /** Defaults to `10000`. */
  command: number
  /** Defaults to `10000`. */
  tool: number
  /** Defaults to `2000`. */
  hook: number
  /** Loading the extension (running its default export). Defaults to `10000`. */
  load: number
}

/** A setting the user can give the extension; placeholders in permissions refer to these. */
export type ExtensionSettingSpec = { description?: string; default?: string }

/** Read from `package.json` (field `arbor`) or `arbor.json`; a single file without one gets the defaults. */
export type ExtensionManifest = {
  /** `[a-z0-9][a-z0-9._-]*`. Defaults to the folder or file name. */
  name: string
  /** Defaults to `0.0.0`. */
  version: string
  /** Defaults to ``. */
  description: string
  /** The entry file, relative to the folder. Defaults to the first of `index.ts`, `index.js`, `index.mjs`, `index.cjs` (or `main`). */
  entry: string | null
  /** Declared permissions, as written (see `Permission`). Defaults to `[]`. */
  permissions: string[]
  timeouts: ExtensionTimeouts
  /** Heap cap of its host process (`--max-old-space-size`), in MB. Defaults to `256`. */
  memoryMb: number
  /** Defaults to `{}`. */
  settings: Record<string, ExtensionSettingSpec>
  /** It came with a manifest (`package.json` with an `arbor` field, or `arbor.json`); false for a bare file. */
  declared: boolean
}

export const defaultTimeouts: ExtensionTimeouts = { command: 10_000, tool: 10_000, hook: 2_000, load: 10_000 }

export const DEFAULT_MEMORY_MB = 256
