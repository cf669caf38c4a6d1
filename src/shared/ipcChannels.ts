/** The two Electron IPC channels: requests (invoke) and core events (send). */
export const IPC_REQUEST = 'arbor:request'
export const IPC_EVENT = 'arbor:event'
