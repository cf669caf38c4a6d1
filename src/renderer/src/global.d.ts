import type { ArborBridge } from '../../shared/bridge'

declare global {
  interface Window {
    /** Exposed by the Electron preload; absent in a browser (headless mode). */
    arbor?: ArborBridge
  }
}

export {}
