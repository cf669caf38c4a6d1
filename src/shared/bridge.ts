import type { ArborEvent, ArborRequest } from './contract'

/** What the Electron preload exposes as `window.arbor` (and what the headless client imitates). */
export type ArborBridge = {
  request: ArborRequest
  /** Subscribes to core events; returns the unsubscribe function. */
  onEvent(listener: (event: ArborEvent) => void): () => void
  /** The absolute path of a dropped or chosen `File` (Electron's `webUtils.getPathForFile`). */
  pathForFile(file: unknown): string
}

/** Headless-mode HTTP endpoints, relative to the page's origin. All need the token. */
export const headlessRoutes = {
  /** WebSocket carrying `WireClientMessage` / `WireServerMessage`. Query: `token`. */
  socket: '/ws',
  /**
   * POST the raw file body; query: `name` (file name), `token`, and `kind=session` for a `.jsonl`
   * session (stored in the sessions folder) instead of a model. Answers `Result<{ path: string }>` as JSON;
   * a file that is no model (or no session) is refused with the reason and not kept.
   */
  upload: '/api/upload',
} as const

export const TOKEN_QUERY = 'token'

/** Largest WebSocket message either side sends in headless mode; a larger one is refused before it is sent. */
export const MAX_WIRE_MESSAGE_BYTES = 8 << 20
