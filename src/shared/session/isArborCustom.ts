/** Whether a `custom` entry holds Arbor's own state: its `customType` starts with `arbor.`. */
export const isArborCustom = (entry: { type: string; customType?: unknown }): boolean =>
  entry.type === 'custom' && typeof entry.customType === 'string' && entry.customType.startsWith('arbor.')

/** The `customType` of a `/command`'s output that is shown in the tree and never sent (a `custom` entry, which Pi skips too). */
export const COMMAND_OUTPUT_TYPE = 'arbor.command'

/** A `/command`'s output kept for people only: a `custom` entry, which neither Arbor nor Pi sends to the model. */
export const isShownOnly = (entry: { type: string; customType?: unknown }): boolean => entry.type === 'custom' && entry.customType === COMMAND_OUTPUT_TYPE
