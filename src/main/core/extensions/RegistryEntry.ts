import type { ArborError } from '../../../shared/errors'
import type { ExtensionSourceKind } from '../../../shared/extensions/ExtensionInfo'
import type { ExtensionManifest } from '../../../shared/extensions/ExtensionManifest'
import type { PermissionInfo } from '../../../shared/extensions/Permission'
import type { ExtensionHost } from './ExtensionHost'

/** The registry's record of one extension found on disk. */
export type RegistryEntry = {
  location: string
  source: ExtensionSourceKind
  /** From the manifest; the folder or file name when it could not be read. */
  name: string
  manifest: ExtensionManifest | null
  /** Why it cannot run, found by the registry (manifest, compilation, permissions, a name taken); the host keeps its own. */
  error: ArborError | null
  permissions: PermissionInfo[]
  host: ExtensionHost | null
  /** Settings it was prepared with (manifest defaults and the user's). */
  settings: Record<string, string>
  /** Its tools and commands were checked against the other extensions' and are offered. */
  admitted: boolean
}
