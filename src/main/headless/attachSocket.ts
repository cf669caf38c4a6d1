import type { WebSocket } from 'ws'
import { MAX_WIRE_MESSAGE_BYTES } from '../../shared/bridge'
import { parseEvent, type WireServerMessage } from '../../shared/contract'
import { fail } from '../../shared/errors'
import type { ArborCore } from '../core/ArborCore'

/** Largest frame a client may send (a 1 MB message is well within it); a larger one closes that socket only. */
export const MAX_MESSAGE_BYTES = MAX_WIRE_MESSAGE_BYTES

/**
 * One client's WebSocket: the core's events out (only those of the contract), its requests in, each answered with
 * its id. Nothing a client sends can throw here: malformed JSON or a missing id is answered as an error, a frame
 * over the limit closes this socket (ws answers 1009), a send to a socket that went is dropped.
 */
export function attachSocket(ws: WebSocket, core: ArborCore): void {
  const send = (message: WireServerMessage) => {
    if (ws.readyState !== ws.OPEN) return
    ws.send(JSON.stringify(message), (error) => error && ws.terminate())
  }
  const off = core.on((event) => {
    // Only events of the contract leave the process: a malformed one is a bug, logged and not sent.
    const checked = parseEvent(event)
    if (checked.ok) send({ kind: 'event', event })
    else console.error(`Arbor: not sent: ${checked.message}`)
  })
  ws.on('error', () => ws.terminate())
  ws.on('close', off)
  ws.on('message', (data, isBinary) => {
    let message: { id?: unknown; name?: unknown; arg?: unknown }
    try {
      if (isBinary) throw new Error('binary')
      message = JSON.parse(String(data)) as typeof message
    } catch {
      return send({ kind: 'response', id: -1, result: fail('BAD_REQUEST', 'The message is not JSON text.') })
    }
    const id = typeof message === 'object' && message !== null && typeof message.id === 'number' ? message.id : -1
    if (id === -1) return send({ kind: 'response', id, result: fail('BAD_REQUEST', 'The message has no numeric id.') })
    core
      .handle(message.name, message.arg)
      .then((result) => send({ kind: 'response', id, result }))
      .catch((error: unknown) => send({ kind: 'response', id, result: fail('INTERNAL', `The request failed: ${(error as Error)?.message ?? String(error)}`) }))
  })
}
