import type { ExtensionInfo, ExtensionStatus } from '../../../shared/extensions/ExtensionInfo'
import type { RegistryEntry } from './RegistryEntry'

/** An entry as the UI sees it. `disabled` and `trusted` come from the registry's settings. */
export function toExtensionInfo(entry: RegistryEntry, disabled: boolean, trusted: boolean): ExtensionInfo {
  const host = entry.host
  const hostFailed = host !== null && (host.state === 'failed' || host.state === 'restarting')
  const status: ExtensionStatus = !trusted ? 'untrusted' : disabled ? 'disabled' : entry.error || hostFailed ? 'failed' : 'enabled'
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
    permissions: entry.permissions,
    tools: registrations?.tools ?? [],
    commands: registrations?.commands ?? [],
    hooks: registrations?.hooks ?? [],
    log: host?.logs() ?? [],
  }
}
