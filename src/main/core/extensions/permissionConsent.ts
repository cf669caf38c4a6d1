import type { ExtensionSourceKind, PermissionConsent } from '../../../shared/extensions/ExtensionInfo'
import type { ExtensionManifest } from '../../../shared/extensions/ExtensionManifest'
import type { RegistryEntry } from './RegistryEntry'
import { requestedPermissions } from './requestedPermissions'

/**
 * What an extension asks against what the user allowed last; null when no consent is needed: it declares no
 * permissions, or it is bundled. A bundled extension ships with Arbor (its code and manifest change only with
 * Arbor itself), so installing Arbor accepted its permissions as shipped; the bundled `workspace` reads only the
 * folder the user picks (`root`, by default the session's working folder). Pure.
 */
export function permissionConsent(
  extension: { source: ExtensionSourceKind; manifest: Pick<ExtensionManifest, 'permissions' | 'settings'> | null },
  accepted: string[] | null,
): PermissionConsent | null {
  if (extension.source === 'bundled' || !extension.manifest || extension.manifest.permissions.length === 0) return null
  const requested = requestedPermissions(extension.manifest)
  return {
    requested,
    accepted,
    added: requested.filter((p) => !accepted?.includes(p)),
    removed: accepted?.filter((p) => !requested.includes(p)) ?? [],
  }
}

/**
 * Whether it must wait for the user: never allowed, or asking for something not allowed. Asking for less than
 * was allowed needs no new consent (the narrower list is recorded when it starts).
 */
export const needsConsent = (consent: PermissionConsent | null): boolean => consent !== null && (consent.accepted === null || consent.added.length > 0)

/** The same permissions, in any order. */
export const samePermissions = (a: readonly string[], b: readonly string[]): boolean =>
  new Set(a).size === new Set(b).size && a.every((p) => b.includes(p))

/**
 * Under what the user's consent is kept: the name, and for a working folder's extension its location too, so that
 * a same-named extension in another folder does not inherit it.
 */
export const consentKey = (entry: Pick<RegistryEntry, 'name' | 'source' | 'location'>): string =>
  entry.source === 'workspace' ? `${entry.name}@${entry.location}` : entry.name
