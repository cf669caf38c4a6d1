import type { PermissionInfo } from './Permission'

/** The permissions as the host enforces them: none at all when its process runs without Node's permission model. */
export const enforcedInHost = (permissions: PermissionInfo[], permissionModel: boolean | undefined): PermissionInfo[] =>
  permissionModel === false ? permissions.map((p) => ({ ...p, enforced: false, note: 'not enforced: this host runs without Node’s permission model' })) : permissions
