import type { ExtensionView } from '../../../../shared/contract'

export type CommandSuggestion = { name: string; description: string; extension: string }

/** Most suggestions shown at once. */
const LIMIT = 8

/**
 * The running extensions' commands whose name starts with what follows the `/` of a draft, while the
 * draft is still just `/name` (no arguments yet); none otherwise.
 */
export function matchCommands(draft: string, extensions: ExtensionView[]): CommandSuggestion[] {
  const typed = /^\/([^\s/]*)$/.exec(draft)?.[1]
  if (typed === undefined) return []
  const prefix = typed.toLowerCase()
  const found: CommandSuggestion[] = []
  for (const e of extensions) {
    if (e.status !== 'enabled') continue
    for (const c of e.commands) {
      if (c.name.toLowerCase().startsWith(prefix)) found.push({ name: c.name, description: c.description, extension: e.name })
    }
  }
  return found.sort((a, b) => a.name.localeCompare(b.name)).slice(0, LIMIT)
}
