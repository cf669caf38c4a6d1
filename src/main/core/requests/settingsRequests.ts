import type { CoreParts, HandlersFor } from './CoreParts'

/** The app settings: read, and changed (saved, then told to every UI). */
export function settingsRequests(parts: CoreParts): HandlersFor<'settings.'> {
  const { settings } = parts
  return {
    'settings.get': () => settings.settings,
    'settings.set': async (change) => {
      const next = await settings.update(change)
      parts.emit({ type: 'settings.changed', settings: next, warning: settings.warning })
      return next
    },
  }
}
