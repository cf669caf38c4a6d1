import { fail, ok, type Result } from '../../../shared/errors'
import type { ExtensionSourceKind, PermissionConsent } from '../../../shared/extensions/ExtensionInfo'
import type { ExtensionManifest } from '../../../shared/extensions/ExtensionManifest'
import type { RegistryEntry } from './RegistryEntry'
import { requestedPermissions } from './requestedPermissions'

/**
 * The rules about what an extension may do, apart from files and processes: consent to its permissions, trust
 * in a working folder, the settings a user may give it. Pure: plain data in, a decision out.
 */

/**
 * What an extension asks against what the user allowed last; null when no consent is needed: it is bundled, or
 * its manifest declares no permissions and no more memory than the default. A bundled extension ships with Arbor
 * (its code and manifest change only with Arbor itself), so installing Arbor accepted its permissions as shipped;
 * the bundled `workspace` reads only the folder the user picks (`root`, by default the session's working folder).
 * A bare file without a manifest declares nothing and still waits for the user's look once: nothing says what
 * it is.
 */
export function permissionConsent(
  extension: { source: ExtensionSourceKind; manifest: (Pick<ExtensionManifest, 'permissions' | 'settings'> & Partial<Pick<ExtensionManifest, 'memoryMb' | 'declared'>>) | null },
  accepted: string[] | null,
): PermissionConsent | null {
  if (extension.source === 'bundled' || !extension.manifest) return null
  const requested = requestedPermissions(extension.manifest)
  if (requested.length === 0 && extension.manifest.declared !== false) return null
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

/** A working folder's extensions run only when the user trusts the folder; every other source is trusted. */
export const isTrusted = (source: ExtensionSourceKind, workspaceTrusted: boolean): boolean => source !== 'workspace' || workspaceTrusted

/** Whether to start a host for an extension now, and what to record when it starts. */
export type StartDecision =
  | { start: true; /** It asks for less than was allowed: record the narrower list. */ narrowedTo: string[] | null }
  | { start: false; why: 'error' | 'disabled' | 'untrusted' | 'needs-consent' }

/** The decision for one extension from what is known of it and the user's choices. */
export function decideStart(input: {
  failed: boolean
  disabled: boolean
  trusted: boolean
  consent: PermissionConsent | null
}): StartDecision {
  if (input.failed) return { start: false, why: 'error' }
  if (input.disabled) return { start: false, why: 'disabled' }
  if (!input.trusted) return { start: false, why: 'untrusted' }
  if (needsConsent(input.consent)) return { start: false, why: 'needs-consent' }
  return { start: true, narrowedTo: input.consent && input.consent.removed.length > 0 ? input.consent.requested : null }
}

/**
 * The user allows what they were shown (`shown`: the consent's `requested` as displayed). Answers the permissions
 * to record (null: it needs none), or `EXTENSION_PERMISSIONS_CHANGED` when it asks for something else by now.
 */
export function allowShown(name: string, consent: PermissionConsent | null, shown: readonly string[]): Result<string[] | null> {
  if (!consent) return ok(null)
  if (!samePermissions(consent.requested, shown))
    return fail('EXTENSION_PERMISSIONS_CHANGED', `"${name}" now asks for: ${consent.requested.join(', ')}. Look at them again before allowing it.`)
  return ok(consent.requested)
}

/**
 * The user's settings of an extension as they are kept: only the ones its manifest declares (a setting named
 * "workspace" must not move what that means), and empty values left out (the manifest's default applies).
 */
export function settingsToKeep(name: string, declared: readonly string[], given: Readonly<Record<string, string>>): Result<Record<string, string>> {
  const unknown = Object.keys(given).find((key) => !declared.includes(key))
  if (unknown !== undefined) return fail('BAD_REQUEST', `${name} has no setting "${unknown}".`)
  return ok(Object.fromEntries(Object.entries(given).filter(([, value]) => value.trim() !== '')))
}
