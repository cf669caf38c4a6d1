import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import type { CoreToHost, HostToCore } from '../../../src/shared/extensions/hostProtocol'
import { hostChannel, type HostProcessLike } from '../../../src/main/core/extensions/hostChannel'

/** Electron's `process.parentPort`: `postMessage` out, `{ data }` events in. */
class FakeParentPort extends EventEmitter {
  posted: unknown[] = []
  postMessage(message: unknown): void {
    this.posted.push(message)
  }
}

/** A forked process: `send` while connected, `message` and `disconnect` events. */
class FakeForkedProcess extends EventEmitter {
  sent: unknown[] = []
  connected = true
  send = (message: unknown): boolean => {
    this.sent.push(message)
    return true
  }
}

const pong: HostToCore = { type: 'pong', id: 7, rssBytes: 1, heapUsedBytes: 2 }
const load: CoreToHost = { type: 'load', name: 'x', entryPath: '/x/index.js', code: 'module.exports = () => {}', settings: { a: 'b' }, maxResultBytes: 10 }

describe('host channel', () => {
  it('uses parentPort in a utility process (even beside process.send), as JSON text both ways', () => {
    const port = new FakeParentPort()
    const proc = Object.assign(new FakeForkedProcess(), { parentPort: port })
    const channel = hostChannel(proc as HostProcessLike)
    expect(channel.kind).toBe('utility')

    channel.send(pong)
    expect(port.posted).toEqual([JSON.stringify(pong)])
    expect(proc.sent).toEqual([])

    const received: CoreToHost[] = []
    channel.onMessage((message) => received.push(message))
    port.emit('message', { data: JSON.stringify(load), ports: [] })
    port.emit('message', { data: { type: 'ping', id: 3 }, ports: [] })
    expect(received).toEqual([load, { type: 'ping', id: 3 }])
  })

  it('drops what JSON drops instead of failing to clone it', () => {
    const port = new FakeParentPort()
    const channel = hostChannel({ parentPort: port, on: () => undefined })
    channel.send({ type: 'result', id: 1, result: { ok: true, value: { keep: 1, fn: () => 1, gone: undefined } } } as HostToCore)
    expect(JSON.parse(port.posted[0] as string)).toEqual({ type: 'result', id: 1, result: { ok: true, value: { keep: 1 } } })
  })

  it('uses process.send when forked, and only while connected', () => {
    const proc = new FakeForkedProcess()
    const channel = hostChannel(proc)
    expect(channel.kind).toBe('fork')

    channel.send(pong)
    expect(proc.sent).toEqual([pong])
    proc.connected = false
    channel.send(pong)
    expect(proc.sent).toHaveLength(1)

    const received: CoreToHost[] = []
    channel.onMessage((message) => received.push(message))
    proc.emit('message', load)
    expect(received).toEqual([load])

    let disconnected = 0
    channel.onDisconnect(() => disconnected++)
    proc.emit('disconnect')
    expect(disconnected).toBe(1)
  })

  it('refuses to start without a way to reach the core', () => {
    expect(() => hostChannel({ parentPort: null, on: () => undefined })).toThrow(/no channel to Arbor/)
  })
})
