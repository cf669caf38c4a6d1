import { headlessRoutes, MAX_WIRE_MESSAGE_BYTES, TOKEN_QUERY } from '../../../shared/bridge'
import { checkResult, parseEvent, type ArborEvent, type WireClientMessage, type WireServerMessage } from '../../../shared/contract'
import { fail, type Result } from '../../../shared/errors'
import type { ArborClient, ConnectionState } from './ArborClient'
import { uploadFile } from './uploadFile'

export type HeadlessClientOptions = {
  token: string
  /** Page location the socket URL derives from. Defaults to `window.location`. */
  location?: Pick<Location, 'protocol' | 'host'>
  /** First reconnect delay in ms; doubles up to `maxDelayMs`. Defaults to `250`. */
  baseDelayMs?: number
  /** Longest reconnect delay in ms. Defaults to `5000`. */
  maxDelayMs?: number
}

type Pending = { message: WireClientMessage; sent: boolean; resolve: (result: Result<unknown>) => void }

const isServerMessage = (value: unknown): value is WireServerMessage =>
  typeof value === 'object' && value !== null && 'kind' in value && (value.kind === 'response' || value.kind === 'event')

/**
 * The client over the headless WebSocket: numbered requests, a pending map, and a reconnect
 * loop with backoff. Requests made while disconnected wait for the next connection; requests
 * in flight when the socket drops answer an error (the core may have done them anyway).
 */
export function createHeadlessClient(options: HeadlessClientOptions): ArborClient {
  const location = options.location ?? window.location
  const baseDelay = options.baseDelayMs ?? 250
  const maxDelay = options.maxDelayMs ?? 5000
  const eventListeners = new Set<(event: ArborEvent) => void>()
  const connectionListeners = new Set<(state: ConnectionState) => void>()
  const pending = new Map<number, Pending>()
  let nextId = 1
  let socket: WebSocket | null = null
  let state: ConnectionState = 'connecting'
  let attempts = 0

  const setState = (next: ConnectionState) => {
    state = next
    for (const listener of connectionListeners) listener(next)
  }

  const send = (entry: Pending) => {
    if (!socket || socket.readyState !== WebSocket.OPEN || entry.sent) return
    const text = JSON.stringify(entry.message)
    // The server closes a socket that sends more than it takes: refuse here, and keep the connection.
    if (text.length > MAX_WIRE_MESSAGE_BYTES) {
      pending.delete(entry.message.id)
      return entry.resolve(fail('BAD_REQUEST', `This is too large to send (${(text.length / 1024 ** 2).toFixed(1)} MB; at most ${MAX_WIRE_MESSAGE_BYTES / 1024 ** 2} MB).`))
    }
    socket.send(text)
    entry.sent = true
  }

  const onMessage = (raw: unknown) => {
    let message: unknown
    try {
      message = JSON.parse(String(raw))
    } catch {
      return
    }
    if (!isServerMessage(message)) return
    if (message.kind === 'event') {
      // What crosses the wire is checked against the contract: a malformed event is dropped, never half-applied.
      const checked = parseEvent(message.event)
      if (!checked.ok) return console.error(`Arbor: ${checked.message}`)
      for (const listener of eventListeners) listener(checked.event)
      return
    }
    const entry = pending.get(message.id)
    if (!entry) return
    pending.delete(message.id)
    const problem = message.result?.ok ? checkResult(entry.message.name, message.result.value) : null
    entry.resolve(problem ? fail('INTERNAL', problem) : message.result)
  }

  const connect = () => {
    const protocol = location.protocol === 'https:' ? 'wss' : 'ws'
    const query = new URLSearchParams({ [TOKEN_QUERY]: options.token })
    const ws = new WebSocket(`${protocol}://${location.host}${headlessRoutes.socket}?${query.toString()}`)
    socket = ws
    ws.onopen = () => {
      attempts = 0
      setState('open')
      for (const entry of pending.values()) send(entry)
    }
    ws.onmessage = (e) => onMessage(e.data)
    ws.onclose = () => {
      if (socket !== ws) return
      socket = null
      for (const [id, entry] of pending) {
        if (!entry.sent) continue
        pending.delete(id)
        entry.resolve(fail('DISCONNECTED', `The connection to Arbor was lost during "${entry.message.name}".`))
      }
      setState('reconnecting')
      const delay = Math.min(maxDelay, baseDelay * 2 ** attempts) * (0.8 + Math.random() * 0.4)
      attempts++
      setTimeout(connect, delay)
    }
  }
  connect()

  return {
    transport: 'headless',
    request(name, arg) {
      return new Promise((resolve) => {
        const id = nextId++
        const entry: Pending = {
          message: { id, name, arg },
          sent: false,
          resolve: resolve as (result: Result<unknown>) => void,
        }
        pending.set(id, entry)
        send(entry)
      })
    },
    onEvent(listener) {
      eventListeners.add(listener)
      return () => eventListeners.delete(listener)
    },
    onConnection(listener) {
      connectionListeners.add(listener)
      listener(state)
      return () => connectionListeners.delete(listener)
    },
    resolveDroppedFile: (file, onProgress, kind = 'model') => uploadFile(file, options.token, onProgress, kind),
  }
}
