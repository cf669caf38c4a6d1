import type { ArborBridge } from '../../../shared/bridge'
import { fail, ok } from '../../../shared/errors'
import type { ArborClient } from './ArborClient'

/** The client over Electron's preload bridge (`window.arbor`). */
export function createElectronClient(bridge: ArborBridge): ArborClient {
  return {
    transport: 'electron',
    async request(name, arg) {
      try {
        return await bridge.request(name, arg)
      } catch (error) {
        return fail('INTERNAL', `The request "${name}" failed: ${error instanceof Error ? error.message : String(error)}`)
      }
    },
    onEvent: (listener) => bridge.onEvent(listener),
    onConnection(listener) {
      listener('open')
      return () => {}
    },
    async resolveDroppedFile(file, onProgress) {
      let path: string
      try {
        path = bridge.pathForFile(file)
      } catch {
        path = ''
      }
      if (!path) return fail('FILE_UNREADABLE', `Arbor could not find where "${file.name}" is stored on disk.`)
      onProgress(file.size, file.size)
      return ok({ path })
    },
  }
}
