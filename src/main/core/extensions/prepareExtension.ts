import os from 'node:os'
import { type Result } from '../../../shared/errors'
import type { PermissionInfo } from '../../../shared/extensions/Permission'
import { compileExtension } from './compileExtension'
import type { ExtensionFsOperations } from './ExtensionFsOperations'
import type { HostLaunchRequest } from './HostLauncher'
import type { ExtensionSource } from './readExtensionSource'
import { resolvePermissions } from './resolvePermissions'

export type PreparedExtension = {
  /** The manifest's settings with their defaults, overridden by the user's. */
  settings: Record<string, string>
  permissions: PermissionInfo[]
  launch: HostLaunchRequest
  code: string
}

const PLACEHOLDER = /\$\{([A-Za-z0-9_.-]+)\}/g

/**
 * Everything a host needs before it starts: settings (defaults may use `${home}`, `${extension}` and the
 * registry's variables such as `${workspace}`), permissions resolved from them, and the compiled entry.
 */
export async function prepareExtension(
  source: ExtensionSource,
  variables: Readonly<Record<string, string>>,
  userSettings: Readonly<Record<string, string>>,
  ops: ExtensionFsOperations,
): Promise<Result<PreparedExtension>> {
  const builtIn: Record<string, string> = { home: os.homedir(), extension: source.folder, ...variables }
  const settings: Record<string, string> = {}
  for (const [key, spec] of Object.entries(source.manifest.settings)) {
    if (spec.default !== undefined) settings[key] = spec.default.replace(PLACEHOLDER, (_all, name: string) => builtIn[name] ?? '')
  }
  // Only declared settings: a user setting named "workspace" or "home" must not move what those mean.
  for (const [key, value] of Object.entries(userSettings)) if (key in source.manifest.settings) settings[key] = value
  const resolved = await resolvePermissions(source, { ...settings, ...builtIn }, ops)
  if (!resolved.ok) return resolved
  const code = await compileExtension(source.entryPath)
  if (!code.ok) return code
  return { ok: true, value: { settings, ...resolved.value, code: code.value } }
}
