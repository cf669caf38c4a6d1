import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RemoteEngine } from '../../src/main/core/engine'
import { DEMO_ANSWER } from '../../src/main/core/gguf-writer/makeDemoModel'
import { getDemoModelPath } from '../helpers/fixtures'
import { codeOf, createTestCore, unwrap } from '../helpers/testCore'

/**
 * The remote engine against a real llama-server (and llama.cpp's RPC split), when `LLAMA_SERVER` names the binary
 * (build it from the llama.cpp source node-llama-cpp ships: `node_modules/node-llama-cpp/llama/gitRelease.bundle`,
 * with `-DGGML_RPC=ON` for the split test). Not in CI: there is no llama-server there.
 */
const LLAMA_SERVER = process.env.LLAMA_SERVER ?? ''
const RPC_SERVER = LLAMA_SERVER && join(dirname(LLAMA_SERVER), 'ggml-rpc-server')
if (!LLAMA_SERVER) console.log('remote-llama-server.test.ts skipped: set LLAMA_SERVER to a llama-server binary to run it.')
const describeWithServer = LLAMA_SERVER ? describe : describe.skip

const settings = { contextSize: 2048, sequences: 1, gpuLayers: 0, kvCacheType: 'F16' as const, threads: 1 }
const KEY = 'llama-key-777'

const freePort = () =>
  new Promise<number>((done) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => done(port))
    })
  })

/** Starts a binary and resolves once `ready()` says so (polled); rejects with its output if it exits first. */
function start(binary: string, args: string[], ready: () => Promise<boolean>): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    let exited = false
    const keep = (chunk: Buffer) => void (output = (output + chunk.toString()).slice(-4000))
    child.stdout!.on('data', keep)
    child.stderr!.on('data', keep)
    child.once('exit', (code) => {
      exited = true
      reject(new Error(`${binary} exited (${code}) before it was ready:\n${output}`))
    })
    const poll = async () => {
      if (exited) return
      if (await ready().catch(() => false)) resolve(child)
      else setTimeout(() => void poll(), 200)
    }
    void poll()
  })
}

const healthy = (port: number) => async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok
const accepting = (port: number) => () =>
  new Promise<boolean>((done) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => (socket.destroy(), done(true)))
    socket.once('error', () => done(false))
  })

const stop = (child: ChildProcess | undefined) =>
  new Promise<void>((done) => {
    if (!child || child.exitCode !== null) return done()
    child.once('exit', () => done())
    child.kill('SIGTERM')
  })

describeWithServer('a remote engine on llama-server', () => {
  let port: number
  let baseUrl: string
  let server: ChildProcess | undefined
  const serve = async (extra: string[] = []) => {
    server = await start(LLAMA_SERVER, ['-m', await getDemoModelPath(), '--host', '127.0.0.1', '--port', String(port), '-c', '4096', '-np', '2', '-t', '1', '--api-key', KEY, ...extra], healthy(port))
  }
  beforeAll(async () => {
    port = await freePort()
    baseUrl = `http://127.0.0.1:${port}`
    await serve()
  }, 60_000)
  afterAll(() => stop(server))

  it('is recognised (context per slot, slots), chats, counts tokens exactly and reports the reuse', async () => {
    const client = await createTestCore()
    try {
      const refused = await client.core.request('model.connect', { baseUrl, apiKey: 'wrong' })
      expect(codeOf(refused)).toBe('ENGINE_UNAUTHORIZED')
      const { remote } = unwrap(await client.core.request('model.connect', { baseUrl, apiKey: KEY }))
      expect(remote).toMatchObject({ kind: 'llama-server', contextSize: 2048, slots: 2, exactTokenCounts: true })
      const first = unwrap(await client.core.request('chat.send', { text: 'Hello' })).assistant
      expect(first.text).toBe(DEMO_ANSWER)
      const second = unwrap(await client.core.request('chat.send', { text: 'Again' })).assistant
      expect(second.text).toBe(DEMO_ANSWER)
      // llama-server's prompt cache kept the first turn: its `cached_tokens` is the reuse Arbor shows.
      expect(second.stats!.reusedTokens).toBeGreaterThan(first.stats!.promptTokens / 2)
      const composition = unwrap(await client.core.request('app.snapshot', undefined)).session.composition!
      expect(composition.approximate).toBeUndefined()
      // The history counted with the server's tokenizer: exactly its tokens for the four messages' texts.
      const exact = await client.core.engine.countTokens(['Hello', DEMO_ANSWER, 'Again', DEMO_ANSWER])
      expect(composition.historyTokens).toBe(exact.reduce((a, b) => a + b, 0))
      const regenerated = unwrap(await client.core.request('chat.regenerate', { nodeId: second.id })).assistant
      expect(regenerated.text).toBe(DEMO_ANSWER)
    } finally {
      await client.dispose()
    }
  }, 120_000)

  it('stops an answer when asked, and recovers when the server is killed mid-answer and started again', async () => {
    const engine = new RemoteEngine({ baseUrl, apiKey: KEY })
    try {
      await engine.load({ ref: { kind: 'remote', baseUrl, model: '' }, settings })
      const halt = new AbortController()
      let text = ''
      for await (const event of engine.generate({ systemPrompt: '', messages: [{ role: 'user', text: 'Hello' }], sampling: { maxTokens: 200 } }, halt.signal)) {
        if (event.type === 'text') halt.abort()
        if (event.type === 'end') text = event.text
      }
      expect(text.length).toBeGreaterThan(0)
      expect(DEMO_ANSWER.startsWith(text)).toBe(true)
      let killed: Promise<void> | null = null
      let end: { reason: string; text: string; code?: string } | null = null
      for await (const event of engine.generate({ systemPrompt: '', messages: [{ role: 'user', text: 'Hello' }] })) {
        if (event.type === 'text') killed ??= (server!.kill('SIGKILL'), stop(server))
        if (event.type === 'end') end = { reason: event.reason, text: event.text, ...(event.error ? { code: event.error.code } : {}) }
      }
      await killed
      // Either the stream broke off (error, the partial answer kept) or every token was already sent.
      if (end!.reason === 'error') expect(DEMO_ANSWER.startsWith(end!.text)).toBe(true)
      await serve()
      let back = ''
      for await (const event of engine.generate({ systemPrompt: '', messages: [{ role: 'user', text: 'Hello' }] })) if (event.type === 'end') back = event.text
      expect(back).toBe(DEMO_ANSWER)
    } finally {
      await engine.dispose()
    }
  }, 120_000)
})

const describeWithRpc = RPC_SERVER && existsSync(RPC_SERVER) ? describe : describe.skip

describeWithRpc('a model split over machines: llama-server --rpc with an rpc-server (both on this machine)', () => {
  let rpc: ChildProcess | undefined
  let server: ChildProcess | undefined
  let baseUrl: string
  beforeAll(async () => {
    const rpcPort = await freePort()
    rpc = await start(RPC_SERVER, ['-H', '127.0.0.1', '-p', String(rpcPort), '-t', '1'], accepting(rpcPort))
    const port = await freePort()
    baseUrl = `http://127.0.0.1:${port}`
    server = await start(LLAMA_SERVER, ['-m', await getDemoModelPath(), '--host', '127.0.0.1', '--port', String(port), '-c', '2048', '-t', '1', '--rpc', `127.0.0.1:${rpcPort}`, '-ngl', '99'], healthy(port))
  }, 120_000)
  afterAll(async () => {
    await stop(server)
    await stop(rpc)
  })

  it('Arbor connects to the split server and chats through it', async () => {
    const client = await createTestCore()
    try {
      const { remote } = unwrap(await client.core.request('model.connect', { baseUrl }))
      expect(remote.kind).toBe('llama-server')
      expect(unwrap(await client.core.request('chat.send', { text: 'Hello' })).assistant.text).toBe(DEMO_ANSWER)
    } finally {
      await client.dispose()
    }
  }, 120_000)
})
