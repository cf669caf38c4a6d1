import type { CoreToHost, HostToCore } from '../../../shared/extensions/hostProtocol'

/** Electron's `process.parentPort` in a utility process: messages arrive as `{ data }` events. */
type ParentPortLike = {
  postMessage(message: unknown): void
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown
}

/** The parts of `process` the host talks through: `parentPort` under Electron, the IPC channel when forked. */
export type HostProcessLike = {
  parentPort?: ParentPortLike | null
  send?: (message: unknown) => boolean
  connected?: boolean
  on(event: 'message', listener: (message: unknown) => void): unknown
  on(event: 'disconnect', listener: () => void): unknown
}

/** How a host process reaches the core, whichever way it was started. */
export type HostChannel = {
  /** `utility`: Electron's `utilityProcess`; `fork`: `child_process.fork`. */
  readonly kind: 'utility' | 'fork'
  send(message: HostToCore): void
  onMessage(listener: (message: CoreToHost) => void): void
  /** The core closed the channel. Only a forked host hears it; a utility process ends with its parent. */
  onDisconnect(listener: () => void): void
}

/**
 * The channel to the core for this host process. Over `parentPort` messages travel as JSON text, so that
 * both launchers carry the same values (structured cloning would throw where JSON drops a function).
 * @param proc Defaults to `process`.
 */
export function hostChannel(proc: HostProcessLike = process as unknown as HostProcessLike): HostChannel {
  const port = proc.parentPort
  if (port) {
    return {
      kind: 'utility',
      send: (message) => port.postMessage(JSON.stringify(message)),
      onMessage: (listener) => void port.on('message', ({ data }) => listener((typeof data === 'string' ? JSON.parse(data) : data) as CoreToHost)),
      onDisconnect: () => undefined,
    }
  }
  if (typeof proc.send === 'function') {
    return {
      kind: 'fork',
      send(message) {
        if (proc.connected) proc.send!(message)
      },
      onMessage: (listener) => void proc.on('message', (message) => listener(message as CoreToHost)),
      onDisconnect: (listener) => void proc.on('disconnect', listener),
    }
  }
  throw new Error('The extension host has no channel to Arbor: start it with utilityProcess.fork or child_process.fork.')
}
