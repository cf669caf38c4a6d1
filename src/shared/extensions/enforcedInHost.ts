import type { PermissionInfo } from './Permission'

/** What confines a host: Node's permission model (files, processes) and the OS sandbox (network, signals). */
export type HostIsolation = { permissionModel: boolean | undefined; sandbox: string | null | undefined }

/**
 * The permissions as the host enforces them: none at all when its process runs without Node's permission model;
 * `net` only inside an OS sandbox (without one, every extension has the network whether it declared it or not).
 */
export const enforcedInHost = (permissions: PermissionInfo[], isolation: HostIsolation): PermissionInfo[] =>
  permissions.map((p) => {
    if (isolation.permissionModel === false) return { ...p, enforced: false, note: 'not enforced: this host runs without Node’s permission model' }
    if (p.permission.kind === 'net' && isolation.sandbox === null)
      return { ...p, enforced: false, note: 'not enforced here: without an OS sandbox every extension can reach the network' }
    return p
  })
