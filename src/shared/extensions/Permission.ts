/**
 * What an extension may do beyond computing. Grammar of a manifest entry:
 * `fs.read:<folder>` | `fs.write:<folder>` | `net` | `exec`; a folder may use `${setting}` placeholders and `~/`.
 */
export type Permission =
  | { kind: 'fs.read'; path: string }
  | { kind: 'fs.write'; path: string }
  | { kind: 'net' }
  | { kind: 'exec' }

export type PermissionKind = Permission['kind']

/** A declared permission, resolved, with whether the host process enforces it. */
export type PermissionInfo = {
  /** As declared in the manifest. */
  declared: string
  permission: Permission
  /** False where the runtime cannot restrict it (Node 20 has no network permission). */
  enforced: boolean
  /** Why it is not enforced, for people. */
  note?: string
}
