import type { HostRegistrations } from '../../../shared/extensions/hostProtocol'

/** The first tool or command of `mine` that another extension already offers, as a sentence; null when none. */
export function findContributionConflict(
  mine: HostRegistrations,
  others: readonly { name: string; registrations: HostRegistrations }[],
): string | null {
  for (const other of others) {
    const tool = mine.tools.find((t) => other.registrations.tools.some((o) => o.name === t.name))
    if (tool) return `Tool "${tool.name}" is already registered by extension "${other.name}".`
    const command = mine.commands.find((c) => other.registrations.commands.some((o) => o.name === c.name))
    if (command) return `Command "/${command.name}" is already registered by extension "${other.name}".`
  }
  return null
}
