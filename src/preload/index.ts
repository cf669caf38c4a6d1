import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron'
import type { ArborBridge } from '../shared/bridge'
import type { ArborEvent } from '../shared/contract'
import { isRequestName } from '../shared/requestNames'
import { IPC_EVENT, IPC_REQUEST } from '../shared/ipcChannels'

// A small named API; ipcRenderer itself never reaches the page.
const bridge: ArborBridge = {
  request: (name, arg) => {
    if (!isRequestName(name)) return Promise.reject(new Error(`Unknown request ${String(name)}`))
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
