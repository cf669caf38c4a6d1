import os from 'node:os'
import { join } from 'node:path'
import { toUnpacked } from './packagedPaths'

/** Where Arbor keeps its files: `ARBOR_HOME`, else `~/.arbor`. Shared by the app, headless mode and the CLI. */
export const arborHome = (): string => process.env.ARBOR_HOME ?? join(os.homedir(), '.arbor')

export const defaultModelsFolder = (): string => join(arborHome(), 'models')

export const DEMO_FILE_NAME = 'arbor-demo.gguf'

/** The app settings (default overflow policy, compaction sizes). */
export const defaultSettingsFile = (): string => join(arborHome(), 'settings.json')

/** The user's extension choices (disabled, settings, allowed permissions, trusted folders). */
export const defaultExtensionStateFile = (): string => join(arborHome(), 'extensions.json')

/**
 * Where Arbor finds extensions: the bundled ones beside the app (unpacked from the archive of a packed app: their
 * hosts read them as files), the user's in `~/.arbor/extensions`.
 */
export const defaultExtensionFolders = (appRoot: string): { bundledFolder: string; userFolder: string; watch: boolean } => ({
  bundledFolder: toUnpacked(join(appRoot, 'resources/extensions')),
  userFolder: join(arborHome(), 'extensions'),
  // An edited file of a user extension reloads it: the author sees the change without a restart.
  watch: true,
})
