import { Socket } from 'node:net'
import type { CoreToHost, HostToCore } from '../../../shared/extensions/hostProtocol'
import { readLines, writeLine } from './lineChannel'

/** Messages from the core may be large (the compiled extension): a generous bound, the core being trusted. */
const MAX_CORE_MESSAGE_BYTES = 256 << 20

/** Electron's `process.parentPort` in a utility process: messages arrive as `{ data }` events. */
type ParentPortLike = {
  postMessage(message: unknown): void
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown
}

/** The parts of `process` the host talks through: `parentPort` under Electron, the IPC channel when forked. */
export type HostProcessLike = {
  env?: Record<string, string | undefined>
  parentPort?: ParentPortLike | null
  send?: (message: unknown) => boolean
  connected?: boolean
  on(event: 'message', listener: (message: unknown) => void): unknown
  on(event: 'disconnect', listener: () => void): unknown
}

/** How a host process reaches the core, whichever way it was started. */
export type HostChannel = {
  /** `pipe`: lines of JSON on fd 3 (the default launcher); `utility`: Electron's `utilityProcess`; `fork`: Node's IPC. */
  readonly kind: 'pipe' | 'utility' | 'fork'
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
  if (proc.env?.ARBOR_HOST_CHANNEL === 'fd3') {
    const pipe = new Socket({ fd: 3, readable: true, writable: true })
    const disconnects: (() => void)[] = []
    pipe.on('error', () => disconnects.forEach((l) => l()))
    pipe.on('close', () => disconnects.forEach((l) => l()))
    const listeners: ((message: CoreToHost) => void)[] = []
    readLines(pipe, MAX_CORE_MESSAGE_BYTES, (message) => listeners.forEach((l) => l(message as CoreToHost)), () => pipe.destroy())
    return {
      kind: 'pipe',
      send: (message) => writeLine(pipe, message),
      onMessage: (listener) => void listeners.push(listener),
      onDisconnect: (listener) => void disconnects.push(listener),
    }
  }
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
