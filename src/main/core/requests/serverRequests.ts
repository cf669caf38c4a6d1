import type { CoreParts, HandlersFor } from './CoreParts'

/** The OpenAI-compatible server: its status, start and stop. */
export function serverRequests(parts: CoreParts): HandlersFor<'server.'> {
  const { api } = parts
  return {
    'server.status': () => api.status,
    'server.start': async (options) => {
      await api.start(options ?? {})
      return api.status
    },
    'server.stop': async () => {
      await api.stop()
      return api.status
    },
  }
}
