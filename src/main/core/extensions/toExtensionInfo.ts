import type { ExtensionInfo, ExtensionStatus, PermissionConsent } from '../../../shared/extensions/ExtensionInfo'
import { enforcedInHost } from '../../../shared/extensions/enforcedInHost'
import { needsConsent } from './ExtensionPolicy'
import type { RegistryEntry } from './RegistryEntry'

/** What the registry knows of an entry beyond the entry itself: the user's choices about it. */
export type EntryChoices = {
  disabled: boolean
  trusted: boolean
  consent: PermissionConsent | null
  /** Its working folder, for a workspace extension. */
  workspaceFolder: string | null
  /** The user's own settings of it. */
  userSettings: Readonly<Record<string, string>>
  /** The OS sandbox its host runs in (or would run in), or null where there is none. */
  sandbox: 'bubblewrap' | 'sandbox-exec' | null
}

/** An entry as the UI sees it. */
export function toExtensionInfo(entry: RegistryEntry, choices: EntryChoices): ExtensionInfo {
  const host = entry.host
  const hostFailed = host !== null && (host.state === 'failed' || host.state === 'restarting')
  const status: ExtensionStatus = !choices.trusted
    ? 'untrusted'
    : choices.disabled
      ? 'disabled'
      : entry.error || hostFailed
        ? 'failed'
        : needsConsent(choices.consent)
          ? 'needs-consent'
          : 'enabled'
  const registrations = entry.admitted ? host?.registrations : null
  return {
    name: entry.name,
    version: entry.manifest?.version ?? '',
    description: entry.manifest?.description ?? '',
    source: entry.source,
    location: entry.location,
    status,
    running: host?.state === 'ready' && entry.admitted,
    restarting: host?.state === 'restarting',
    lastError: entry.error ?? host?.lastError ?? null,
    faults: host?.faults ?? 0,
    // The host says whether Node's permission model is really on (it is not in Electron's utilityProcess).
    permissions: enforcedInHost(entry.permissions, { permissionModel: host?.registrations?.permissionModel, sandbox: host?.sandbox ?? choices.sandbox }),
    sandbox: host?.sandbox ?? choices.sandbox,
    consent: choices.consent,
    workspaceFolder: choices.workspaceFolder,
    settings: Object.entries(entry.manifest?.settings ?? {}).map(([name, spec]) => ({
      name,
      description: spec.description ?? '',
      default: spec.default ?? '',
      value: choices.userSettings[name] ?? '',
    })),
    tools: registrations?.tools ?? [],
    commands: registrations?.commands ?? [],
    hooks: registrations?.hooks ?? [],
    log: host?.logs() ?? [],
  }
}
