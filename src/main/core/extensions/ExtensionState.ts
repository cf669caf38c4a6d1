/** The user's extension choices, kept across restarts in one file (`~/.arbor/extensions.json`). */
export type ExtensionState = {
  /** Names of the extensions the user turned off. */
  disabled: string[]
  /** The user's settings, by extension name. */
  settings: Record<string, Record<string, string>>
  /** Working folders (real paths) whose `.arbor/extensions` the user lets run. */
  trustedFolders: string[]
  /** The permissions the user allowed, by extension name, as `PermissionConsent.requested` listed them then. */
  accepted: Record<string, string[]>
}

/** The version this Arbor writes; a file of a later one is read as unknown and left alone. */
export const EXTENSION_STATE_VERSION = 1
