import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron'
import type { ArborBridge } from '../shared/bridge'
import type { ArborEvent } from '../shared/contract'
import { IPC_EVENT, IPC_REQUEST } from '../shared/ipcChannels'

// A small named API; ipcRenderer itself never reaches the page.
const bridge: ArborBridge = {
  request: (name, arg) => {
    // The main process checks every name and argument against the contract; the preload carries no validators.
    if (typeof name !== 'string' || name.length > 100) return Promise.reject(new Error('A request needs a name.'))
    return ipcRenderer.invoke(IPC_REQUEST, name, arg)
  },
  onEvent: (listener) => {
    const handler = (_event: IpcRendererEvent, payload: ArborEvent) => listener(payload)
    ipcRenderer.on(IPC_EVENT, handler)
    return () => {
      ipcRenderer.removeListener(IPC_EVENT, handler)
    }
  },
  pathForFile: (file) => webUtils.getPathForFile(file as File),
}

contextBridge.exposeInMainWorld('arbor', bridge)
