import type { ArborClient } from './ArborClient'
import { createElectronClient } from './createElectronClient'
import { createHeadlessClient } from './createHeadlessClient'
import { readToken } from './readToken'

/** Electron's bridge when the preload exposed it, else the headless WebSocket of this page's server. */
export function createClient(): ArborClient {
  if (window.arbor) return createElectronClient(window.arbor)
  return createHeadlessClient({ token: readToken() })
}
