import { execFile } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RemoteEngine } from '../../src/main/core/engine'
import { DEMO_ANSWER } from '../../src/main/core/gguf-writer/makeDemoModel'
import type { EngineEvent } from '../../src/shared/engine/engineTypes'
import { cp } from 'node:fs/promises'
import { ECHO_SCRIPT, toolScriptText } from '../../src/main/core/gguf-writer/makeToolCallingModel'
import { getDemoModelPath, getToolCallingModelPath } from '../helpers/fixtures'
import { codeOf, createTestCore, unwrap, type TestCore } from '../helpers/testCore'

const settings = { contextSize: 2048, sequences: 2, gpuLayers: 0, kvCacheType: 'F16' as const, threads: 2 }
const KEY = 'arbor-test-key-123'

async function collect(events: AsyncIterable<EngineEvent>, onText?: () => void): Promise<Extract<EngineEvent, { type: 'end' }>> {
  for await (const event of events) {
    if (event.type === 'text') onText?.()
    if (event.type === 'end') return event
  }
  throw new Error('no end event')
}

/**
 * Arbor on a model served elsewhere: the peer is another Arbor core serving the demo model through its
 * OpenAI-compatible API on 127.0.0.1 (with a key), the client a core whose engine is a `RemoteEngine`.
 */
describe('a remote engine (an OpenAI-compatible server as the engine)', () => {
  let peer: TestCore
  let port: number
  let baseUrl: string
  beforeAll(async () => {
    peer = await createTestCore()
    unwrap(await peer.core.request('model.load', { path: await getDemoModelPath(), settings }))
    const status = await peer.core.api.start({ port: 0, apiKey: KEY }, false)
    baseUrl = status.baseUrl!
    port = status.port
  }, 60_000)
  afterAll(() => peer?.dispose())

  it('connects, and the tree chats through it: the answer, the numbers the server reports, stored as a turn', async () => {
    const client = await createTestCore({ engine: new RemoteEngine({ baseUrl, apiKey: KEY }) })
    try {
      const loaded = unwrap(await client.core.request('model.load', { path: 'remote', settings }))
      expect(loaded.facts).toMatchObject({ architecture: 'remote', fileName: expect.stringMatching(/^demo-/) })
      const first = unwrap(await client.core.request('chat.send', { text: 'Hello' }))
      expect(first.assistant.text).toBe(DEMO_ANSWER)
      expect(first.assistant.stats).toMatchObject({ stopReason: 'eos', generatedTokens: expect.any(Number) })
      expect(first.assistant.stats!.promptTokens).toBeGreaterThan(0)
      // The second turn sends the whole history again; the server's prefix cache kept the first turn's prompt.
      const second = unwrap(await client.core.request('chat.send', { text: 'Again' }))
      expect(second.assistant.text).toBe(DEMO_ANSWER)
      expect(second.assistant.stats!.reusedTokens).toBeGreaterThan(first.assistant.stats!.promptTokens / 2)
    } finally {
      await client.dispose()
    }
  }, 60_000)

  it('"Connect to a server": the local model gives way, the key is kept sealed away from every file a user shares, loading a file comes back', async () => {
    const home = await mkdtemp(join(tmpdir(), 'arbor-connect-'))
    const settingsFile = join(home, 'settings.json')
    const open = () => createTestCore({ settingsFile })
    const server = baseUrl.replace(/\/v1$/, '')
    let client = await open()
    try {
      const demo = await getDemoModelPath()
      unwrap(await client.core.request('model.load', { path: demo, settings }))
      // A wrong key: refused with its code and message (never the key); the local model stays, nothing is remembered.
      const refused = await client.core.request('model.connect', { baseUrl, apiKey: 'wrong-key-789' })
      expect(codeOf(refused)).toBe('ENGINE_UNAUTHORIZED')
      expect(JSON.stringify(refused)).not.toContain('wrong-key-789')
      expect(client.core.engine.state).toMatchObject({ status: 'loaded', model: { facts: { path: demo } } })
      expect(unwrap(await client.core.request('app.snapshot', undefined)).remote).toBeNull()
      const connected = unwrap(await client.core.request('model.connect', { baseUrl, apiKey: KEY }))
      expect(connected.remote).toMatchObject({ baseUrl: server, inUse: true, keySaved: true, exactTokenCounts: false, kind: 'arbor', contextSize: 2048 })
      expect(connected.model.facts.architecture).toBe('remote')
      const answer = unwrap(await client.core.request('chat.send', { text: 'Hello' }))
      expect(answer.assistant.text).toBe(DEMO_ANSWER)
      await client.dispose()
      // Next start: the server is remembered and its key sent without being typed again.
      client = await open()
      const snapshot = unwrap(await client.core.request('app.snapshot', undefined))
      expect(snapshot.remote).toMatchObject({ baseUrl: server, inUse: false, keySaved: true })
      unwrap(await client.core.request('model.connect', { baseUrl: server }))
      expect(unwrap(await client.core.request('chat.send', { text: 'Hello' })).assistant.text).toBe(DEMO_ANSWER)
      // The key: in one file only the user can read, never in the settings, the sessions or what a UI is sent.
      const keyFile = join(home, 'secrets.json')
      expect((await stat(keyFile)).mode & 0o777).toBe(0o600)
      expect(await readFile(keyFile, 'utf8')).toContain(KEY)
      expect(await readFile(settingsFile, 'utf8')).not.toContain(KEY)
      for (const file of await readdir(client.sessionsFolder)) expect(await readFile(join(client.sessionsFolder, file), 'utf8')).not.toContain(KEY)
      expect(JSON.stringify(unwrap(await client.core.request('app.snapshot', undefined)))).not.toContain(KEY)
      expect(JSON.stringify(client.events)).not.toContain(KEY)
      // A local file again: the connection is dropped and the model runs here.
      const local = unwrap(await client.core.request('model.load', { path: demo, settings }))
      expect(local.facts.architecture).not.toBe('remote')
      expect(unwrap(await client.core.request('app.snapshot', undefined)).remote).toMatchObject({ inUse: false })
      expect((await client.core.engine.info()).kind).toBe('local')
    } finally {
      await client.dispose()
      await rm(home, { recursive: true, force: true })
    }
  }, 120_000)

  it('regenerates through the server: a sibling answer on the same path, the prefix reused; counts are estimates, said so', async () => {
    const client = await createTestCore({ engine: new RemoteEngine({ baseUrl, apiKey: KEY }) })
    try {
      unwrap(await client.core.request('model.load', { path: 'remote', settings }))
      const { assistant } = unwrap(await client.core.request('chat.send', { text: 'Hello' }))
      const again = unwrap(await client.core.request('chat.regenerate', { nodeId: assistant.id })).assistant
      expect(again.id).not.toBe(assistant.id)
      expect(again.parentId).toBe(assistant.parentId)
      expect(again.text).toBe(DEMO_ANSWER)
      // The same prompt again: the server's cache held all of it but the last token(s) it must evaluate to answer.
      expect(again.stats!.reusedTokens).toBeGreaterThanOrEqual(again.stats!.promptTokens - 2)
      const composition = unwrap(await client.core.request('app.snapshot', undefined)).session.composition
      expect(composition).toMatchObject({ approximate: true })
      expect(composition!.historyTokens).toBeGreaterThan(0)
    } finally {
      await client.dispose()
    }
  }, 60_000)

  it('stops an answer when asked, keeping what came', async () => {
    const engine = new RemoteEngine({ baseUrl, apiKey: KEY })
    try {
      await engine.load({ ref: { kind: 'remote', baseUrl, model: '' }, settings })
      const stop = new AbortController()
      const end = await collect(engine.generate({ systemPrompt: '', messages: [{ role: 'user', text: 'Hello' }] }, stop.signal), () => stop.abort())
      expect(end.reason).toBe('stopped')
      expect(end.text.length).toBeGreaterThan(0)
      expect(DEMO_ANSWER.startsWith(end.text)).toBe(true)
      expect(end.text).not.toBe(DEMO_ANSWER)
    } finally {
      await engine.dispose()
    }
  }, 60_000)

  it('says what is wrong: a wrong key, a model the server lacks, a server that is not there', async () => {
    const wrongKey = new RemoteEngine({ baseUrl, apiKey: 'not-the-key' })
    await expect(wrongKey.load({ ref: { kind: 'remote', baseUrl, model: '' }, settings })).rejects.toMatchObject({ code: 'ENGINE_UNAUTHORIZED' })
    expect(wrongKey.state).toMatchObject({ status: 'error', error: { code: 'ENGINE_UNAUTHORIZED' } })
    expect(JSON.stringify(wrongKey.state)).not.toContain('not-the-key')
    const noModel = new RemoteEngine({ baseUrl, apiKey: KEY, model: 'no-such-model' })
    await expect(noModel.load({ ref: { kind: 'remote', baseUrl, model: 'no-such-model' }, settings })).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' })
    const nobody = new RemoteEngine({ baseUrl: 'http://127.0.0.1:9', connectTimeoutMs: 2000 })
    await expect(nobody.load({ ref: { kind: 'remote', baseUrl: 'http://127.0.0.1:9', model: '' }, settings })).rejects.toMatchObject({ code: 'ENGINE_UNREACHABLE' })
  }, 60_000)

  it('keeps the partial answer when the server goes away mid-answer, and works again once it is back', async () => {
    const client = await createTestCore({ engine: new RemoteEngine({ baseUrl, apiKey: KEY }) })
    try {
      unwrap(await client.core.request('model.load', { path: 'remote', settings }))
      let stopped: Promise<unknown> | null = null
      const end = await collect(client.core.engine.generate({ systemPrompt: '', messages: [{ role: 'user', text: 'Hello' }] }), () => {
        stopped ??= peer.core.api.stop()
      })
      await stopped
      expect(end.reason).toBe('error')
      expect(end.error?.code).toBe('GENERATION_FAILED')
      expect(DEMO_ANSWER.startsWith(end.text)).toBe(true)
      // Sent while it is down: a failed reply in the tree that says why.
      const down = await client.core.request('chat.send', { text: 'Hello?' })
      expect(codeOf(down)).toBe('ENGINE_UNREACHABLE')
      expect(!down.ok && down.error.message).toMatch(/Could not reach http:\/\/127\.0\.0\.1:\d+.*Is the server running\?/)
      await peer.core.api.start({ port, apiKey: KEY }, false)
      const back = unwrap(await client.core.request('chat.send', { text: 'Hello again' }))
      expect(back.assistant.text).toBe(DEMO_ANSWER)
    } finally {
      await client.dispose()
    }
  }, 60_000)

  it('works from the command line: arbor chat --engine, the key from ARBOR_ENGINE_KEY, a wrong key exits 1 with its code and not the key', async () => {
    const home = await mkdtemp(join(tmpdir(), 'arbor-remote-cli-'))
    const root = join(import.meta.dirname, '../..')
    const chat = (key: string) =>
      promisify(execFile)(join(root, 'node_modules/.bin/tsx'), [join(root, 'src/main/cli/arbor.ts'), 'chat', '--engine', baseUrl, '--prompt', 'Hello', '--json', '--models', join(home, 'models')], {
        env: { ...process.env, ARBOR_HOME: home, ARBOR_ENGINE_KEY: key },
      }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
      )
    try {
      const ok = await chat(KEY)
      expect(ok.code, ok.stderr).toBe(0)
      expect(JSON.parse(ok.stdout).text).toBe(DEMO_ANSWER)
      const refused = await chat('wrong-key-456')
      expect(refused.code).toBe(1)
      expect(JSON.parse(refused.stdout).error.code).toBe('ENGINE_UNAUTHORIZED')
      expect(refused.stdout + refused.stderr).not.toContain('wrong-key-456')
    } finally {
      await rm(home, { recursive: true, force: true })
    }
  }, 120_000)
})

/** A tool round through a server: the peer's model calls a tool, this core runs it (an extension) and sends the result back. */
describe('a tool round through a remote engine', () => {
  let peer: TestCore
  let baseUrl: string
  beforeAll(async () => {
    peer = await createTestCore()
    unwrap(await peer.core.request('model.load', { path: await getToolCallingModelPath(), settings: { ...settings, sequences: 1 } }))
    baseUrl = (await peer.core.api.start({ port: 0 }, false)).baseUrl!
  }, 60_000)
  afterAll(() => peer?.dispose())

  it('the call comes back parsed, the tool runs here, its result goes to the server, and the model answers after it', async () => {
    const userFolder = await mkdtemp(join(tmpdir(), 'arbor-remote-tools-'))
    await cp(join(import.meta.dirname, '../fixtures/extensions/core/echo-tool'), join(userFolder, 'echo-tool'), { recursive: true })
    const client = await createTestCore({ engine: new RemoteEngine({ baseUrl }), extensions: { bundledFolder: null, userFolder, watch: false } })
    try {
      unwrap(await client.core.request('model.load', { path: 'remote', settings }))
      unwrap(await client.core.request('session.setTools', { enabled: true }))
      const { assistant } = unwrap(await client.core.request('chat.send', { text: 'Say hi through the tool.' }))
      expect(assistant.text).toBe(toolScriptText(ECHO_SCRIPT.answer))
      const nodes = unwrap(await client.core.request('app.snapshot', undefined)).session.nodes
      const call = nodes.find((n) => n.toolCalls?.length)
      expect(call?.toolCalls).toEqual([{ id: expect.any(String), name: 'echo', arguments: { text: 'hi' } }])
      expect(nodes.find((n) => n.kind === 'toolResult')).toMatchObject({ tool: { name: 'echo', isError: false }, text: '{"echoed":"hi"}' })
      // The continuation re-sent the history: the server reused the prompt that led to the call.
      expect(assistant.stats!.reusedTokens).toBeGreaterThan(0)
    } finally {
      await client.dispose()
      await rm(userFolder, { recursive: true, force: true })
    }
  }, 120_000)
})
