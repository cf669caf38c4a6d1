import { isAbsolute, join, resolve } from 'node:path'
import { fail, ok, type Result } from '../../../shared/errors'
import type { PermissionInfo } from '../../../shared/extensions/Permission'
import { parsePermission } from '../../../shared/extensions/parsePermission'
import type { ExtensionFsOperations } from './ExtensionFsOperations'
import type { HostLaunchRequest } from './HostLauncher'
import type { ExtensionSource } from './readExtensionSource'

/** Said of `net` where no OS sandbox holds the host (see `enforcedInHost`): every extension has the network there. */
export const NET_NOTE = 'Not enforced here: without an OS sandbox every extension can reach the network.'

/**
 * Turns declared permissions into the host's launch request (what Node's permission model will allow)
 * and a list for people saying what each one means and whether it is enforced. Relative folders are
 * taken from the extension's folder; placeholders come from `variables`.
 */
export async function resolvePermissions(
  source: ExtensionSource,
  variables: Readonly<Record<string, string>>,
  ops: ExtensionFsOperations,
): Promise<Result<{ permissions: PermissionInfo[]; launch: HostLaunchRequest }>> {
  const own = await ops.realPath(source.location)
  const launch: HostLaunchRequest = { readPaths: [...new Set([own, source.location])], writePaths: [], childProcess: false, network: false, memoryMb: source.manifest.memoryMb, cwd: source.folder }
  const permissions: PermissionInfo[] = []
  for (const declared of source.manifest.permissions) {
    const parsed = parsePermission(declared, variables)
    if (!parsed.ok) return parsed
    const permission = parsed.value
    if (permission.kind === 'net') {
      // Granted: the sandbox shares the network with it. Without a sandbox every host has it (see enforcedInHost).
      launch.network = true
      permissions.push({ declared, permission, enforced: true })
      continue
    }
    if (permission.kind === 'exec') {
      launch.childProcess = true
      permissions.push({ declared, permission, enforced: true, note: 'May start programs; they run without Node\'s restrictions.' })
      continue
    }
    const path = await ops.realPath(isAbsolute(permission.path) ? permission.path : resolve(source.folder, permission.path))
    if (path === resolve('/') || /^[A-Za-z]:\\?$/.test(path)) return fail('EXTENSION_PERMISSION', `Permission "${declared}" names the root of the disk; name a folder.`)
    // Node takes a path missing at start for a file; "<folder>/*" covers the folder and what is created in it later.
    const grant = (await ops.isDirectory(path)) === null ? join(path, '*') : path
    ;(permission.kind === 'fs.read' ? launch.readPaths : launch.writePaths).push(grant)
    permissions.push({ declared, permission: { kind: permission.kind, path }, enforced: true })
  }
  return ok({ permissions, launch })
}
