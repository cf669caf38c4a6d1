import { DEFAULT_MEMORY_MB, type ExtensionManifest } from '../../../shared/extensions/ExtensionManifest'
import { parsePermission } from '../../../shared/extensions/parsePermission'

const PLACEHOLDER = /\$\{([A-Za-z0-9_.-]+)\}/g

/** Folders that are not the extension's to choose: they stay names in what the user is asked to allow. */
const BUILT_IN: Readonly<Record<string, string>> = { home: '${home}', workspace: '${workspace}', extension: '${extension}' }

/**
 * What an extension asks the user to allow: its declared permissions with its settings' defaults filled in,
 * so that an update moving a default folder asks again, while `${workspace}`, `${home}` and `${extension}`
 * stay names (another session's working folder is not the extension asking for more). The user's own
 * settings play no part: they are the user's choice. A permission that cannot be parsed is kept as written
 * (the extension fails to start anyway). Pure.
 */
export function requestedPermissions(manifest: Pick<ExtensionManifest, 'permissions' | 'settings'> & Partial<Pick<ExtensionManifest, 'memoryMb'>>): string[] {
  const defaults: Record<string, string> = {}
  for (const [key, spec] of Object.entries(manifest.settings)) {
    if (spec.default !== undefined) defaults[key] = spec.default.replace(PLACEHOLDER, (all, name: string) => BUILT_IN[name] ?? all)
  }
  const requested = manifest.permissions.map((declared) => {
    const parsed = parsePermission(declared, { ...BUILT_IN, ...defaults })
    if (!parsed.ok) return declared.trim()
    const permission = parsed.value
    return permission.kind === 'net' || permission.kind === 'exec' ? permission.kind : `${permission.kind}:${permission.path}`
  })
  // More memory than an extension gets by default is asked for like a permission: a host may take that much.
  if ((manifest.memoryMb ?? DEFAULT_MEMORY_MB) > DEFAULT_MEMORY_MB) requested.push(`memory:${manifest.memoryMb}MB`)
  return [...new Set(requested)]
}
