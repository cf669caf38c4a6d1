import type { ExtensionStatus } from '../../../../shared/extensions/ExtensionInfo'

/** A status as the manager says it. */
export const statusLabel: Record<ExtensionStatus, string> = {
  enabled: 'enabled',
  disabled: 'disabled',
  failed: 'failed',
  untrusted: 'untrusted',
  'needs-consent': 'permissions to review',
}
