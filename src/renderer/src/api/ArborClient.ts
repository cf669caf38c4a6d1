import type { ArborEvent, RequestArgs, RequestName, RequestResults } from '../../../shared/contract'
import type { Result } from '../../../shared/errors'

/** What an uploaded file is. Defaults to `model`. */
export type UploadKind = 'model' | 'session' | 'extension'

export type ConnectionState = 'connecting' | 'open' | 'reconnecting'

/** What the renderer talks to: Electron's preload bridge or the headless WebSocket, behind one shape. */
export type ArborClient = {
  readonly transport: 'electron' | 'headless'
  request<K extends RequestName>(name: K, arg: RequestArgs[K]): Promise<Result<RequestResults[K]>>
  /** Subscribes to core events; returns the unsubscribe function. */
  onEvent(listener: (event: ArborEvent) => void): () => void
  /** Connection changes (always `open` in Electron). Called once at once with the current state. */
  onConnection(listener: (state: ConnectionState) => void): () => void
  /**
   * A path the core can open for a dropped or chosen file: Electron's own path, or an upload in
   * headless mode (a model lands in the models folder, a session in the sessions folder, an extension in a
   * staging folder from which `extensions.install` copies it).
   */
  resolveDroppedFile(file: File, onProgress: (sent: number, total: number) => void, kind?: UploadKind): Promise<Result<{ path: string }>>
}
