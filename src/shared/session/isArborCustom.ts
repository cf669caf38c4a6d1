/** Whether a `custom` entry holds Arbor's own state: its `customType` starts with `arbor.`. */
export const isArborCustom = (entry: { type: string; customType?: unknown }): boolean =>
  entry.type === 'custom' && typeof entry.customType === 'string' && entry.customType.startsWith('arbor.')
