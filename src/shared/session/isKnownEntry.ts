import type { SessionEntry } from './sessionTypes'

const known = new Set<string>([
  'message',
  'model_change',
  'thinking_level_change',
  'compaction',
  'branch_summary',
  'custom',
  'custom_message',
  'label',
  'session_info',
])

/** Whether the entry's type is one of Pi's version 3 types (others are kept, but Arbor does not interpret them). */
export const isKnownEntry = (entry: { type: string }): entry is SessionEntry => known.has(entry.type)
