import { createServer, type Server } from 'node:http'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RemoteServer } from '../../src/main/core/engine/remote/RemoteServer'
import { readServerFacts } from '../../src/main/core/engine/remote/serverFacts'
import { FileSecretStore } from '../../src/main/core/settings/SecretStore'

/**
 * Stand-ins for the routes each kind of server answers, with the shapes their documentation gives (llama-server's
 * `/props`, vLLM's model list, Ollama's `/api/show`, LM Studio's `/api/v0/models`); every other route is a 404, as
 * on the real servers. What Arbor reads of each: the kind, the context, the slots, whether it can count tokens.
 */
const ROUTES: Record<string, Record<string, unknown>> = {
  llama: {
    '/v1/models': { data: [{ id: 'qwen3-30b-a3b-q4_k_m.gguf', object: 'model', owned_by: 'llamacpp' }] },
    '/props': { default_generation_settings: { n_ctx: 32768 }, total_slots: 4, chat_template: '{{ messages }}' },
  },
  vllm: { '/v1/models': { data: [{ id: 'Qwen/Qwen3-Coder-30B-A3B-Instruct', owned_by: 'vllm', max_model_len: 65536 }] } },
  ollama: {
    '/v1/models': { data: [{ id: 'qwen3:8b', owned_by: 'library' }] },
    '/api/show': { model_info: { 'qwen3.context_length': 40960 }, parameters: 'num_ctx                        8192\ntemperature 0.6' },
  },
  lmstudio: {
    '/v1/models': { data: [{ id: 'qwen/qwen3-8b', owned_by: 'organization_owner' }] },
    '/api/v0/models': { data: [{ id: 'qwen/qwen3-8b', max_context_length: 40960, loaded_context_length: 16384 }] },
  },
  plain: { '/v1/models': { data: [{ id: 'gpt-oss-20b', owned_by: 'someone' }] } },
}

describe('what Arbor reads of each kind of server when it connects', () => {
  let server: Server
  let base: string
  beforeAll(async () => {
    server = createServer((req, res) => {
      const [, kind, ...rest] = (req.url ?? '').split('/')
      const body = ROUTES[kind!]?.[`/${rest.join('/')}`]
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? { error: 'Not found' }))
    })
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise((done) => server.close(done)))

  const facts = (kind: string, model?: string) => readServerFacts(new RemoteServer({ baseUrl: `${base}/${kind}/v1` }), model)

  it('llama-server: its context per slot and its slots, and exact token counts', async () => {
    expect(await facts('llama')).toEqual({ model: 'qwen3-30b-a3b-q4_k_m.gguf', kind: 'llama-server', contextSize: 32768, slots: 4, tokenizer: 'llama-server' })
  })

  it('vLLM: its max_model_len, and exact token counts', async () => {
    expect(await facts('vllm')).toMatchObject({ kind: 'vllm', contextSize: 65536, tokenizer: 'vllm' })
  })

  it('Ollama: the num_ctx it runs the model with, not the trained length; counts estimated', async () => {
    expect(await facts('ollama')).toMatchObject({ model: 'qwen3:8b', kind: 'ollama', contextSize: 8192, tokenizer: null })
  })

  it('LM Studio: the context the model is loaded with', async () => {
    expect(await facts('lmstudio')).toMatchObject({ kind: 'lmstudio', contextSize: 16384, tokenizer: null })
  })

  it('any other server: the model, and no context it did not say', async () => {
    expect(await facts('plain')).toEqual({ model: 'gpt-oss-20b', kind: 'openai', contextSize: null, slots: null, tokenizer: null })
    await expect(facts('plain', 'llama3')).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND', message: expect.stringContaining('it offers gpt-oss-20b') })
  })
})

describe('the keys of servers', () => {
  let folder: string
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'arbor-secrets-'))
  })
  afterAll(() => rm(folder, { recursive: true, force: true }))

  it('are kept in a file only the user can read, sealed by the codec given, and forgotten on request', async () => {
    const path = join(folder, 'keys.json')
    const codec = { name: 'test-rot', seal: (t: string) => Buffer.from(t).toString('base64'), open: (t: string) => Buffer.from(t, 'base64').toString() }
    const store = await FileSecretStore.open(path, codec)
    await store.set('engine:http://gpu-box:8080', 'sk-secret-1')
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    expect(await readFile(path, 'utf8')).not.toContain('sk-secret-1')
    expect((await FileSecretStore.open(path, codec)).get('engine:http://gpu-box:8080')).toBe('sk-secret-1')
    await store.set('engine:http://gpu-box:8080', null)
    expect((await FileSecretStore.open(path, codec)).get('engine:http://gpu-box:8080')).toBeNull()
  })

  it('sealed another way (another machine\'s keychain), are not read and the file is not written over', async () => {
    const path = join(folder, 'other.json')
    const original = `${JSON.stringify({ codec: 'electron-safeStorage-darwin', secrets: { a: 'c2VhbGVk' } })}\n`
    await writeFile(path, original)
    const store = await FileSecretStore.open(path)
    expect(store.get('a')).toBeNull()
    expect(store.warning).toMatch(/could not be opened here/)
    await store.set('b', 'new-key')
    expect(store.get('b')).toBe('new-key')
    expect(await readFile(path, 'utf8')).toBe(original)
  })
})
