import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import type { WireServerMessage } from '../../src/shared/contract'
import { createHeadlessServer, type HeadlessServer } from '../../src/main/headless/createHeadlessServer'
import { getShapePath } from '../helpers/fixtures'
import { createTestCore, type TestCore } from '../helpers/testCore'

/** Opens a socket and collects what the server says; resolves once open (or rejects with the HTTP status). */
function connect(url: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(url, { headers })
  const messages: WireServerMessage[] = []
  ws.on('message', (data) => messages.push(JSON.parse(String(data)) as WireServerMessage))
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
    ws.once('error', reject)
  })
  const response = async (id: number) => {
    for (let i = 0; i < 200; i++) {
      const found = messages.find((m) => m.kind === 'response' && m.id === id)
      if (found) return found
      await new Promise((r) => setTimeout(r, 10))
    }
    throw new Error(`no response ${id}`)
  }
  return { ws, messages, opened, response }
}

describe('headless server', () => {
  let t: TestCore
  let server: HeadlessServer
  let rendererDir: string
  let base: string

  beforeAll(async () => {
    t = await createTestCore()
    rendererDir = await mkdtemp(join(os.tmpdir(), 'arbor-renderer-'))
    await mkdir(join(rendererDir, 'assets'))
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Arbor</title>')
    await writeFile(join(rendererDir, 'assets/app.js'), 'console.log(1)')
    await writeFile(join(os.tmpdir(), 'arbor-secret.txt'), 'secret')
    server = await createHeadlessServer({ core: t.core, rendererDir })
    base = `http://127.0.0.1:${server.port}`
  })
  afterAll(async () => {
    await server.close()
    await t.dispose()
    await rm(rendererDir, { recursive: true, force: true })
  })

  it('listens on 127.0.0.1 and prints a URL with a long token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/)
  })

  it('serves the app only with the token, then by cookie for its assets', async () => {
    expect((await fetch(`${base}/`)).status).toBe(401)
    expect((await fetch(`${base}/?token=wrong`)).status).toBe(401)
    const page = await fetch(server.url)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<title>Arbor</title>')
    const cookie = page.headers.get('set-cookie')!.split(';')[0]!
    expect(page.headers.get('set-cookie')).toContain('HttpOnly')
    const asset = await fetch(`${base}/assets/app.js`, { headers: { cookie } })
    expect(asset.status).toBe(200)
    expect(asset.headers.get('content-type')).toContain('javascript')
    expect((await fetch(`${base}/assets/app.js`)).status).toBe(401)
  })

  it('never serves files outside the app', async () => {
    const res = await fetch(`${base}/..%2f..%2f..%2ftmp%2farbor-secret.txt?token=${server.token}`)
    expect(await res.text()).not.toContain('secret')
  })

  it('refuses a socket without the token or from another origin', async () => {
    await expect(connect(`ws://127.0.0.1:${server.port}/ws`).opened).rejects.toThrow('401')
    await expect(connect(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, { origin: 'https://evil.example' }).opened).rejects.toThrow('401')
  })

  it('answers requests and refuses malformed messages without closing', async () => {
    const c = connect(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`)
    await c.opened
    c.ws.send('this is not json')
    expect((await c.response(-1)).kind === 'response' && (await c.response(-1))).toMatchObject({ result: { ok: false, error: { code: 'BAD_REQUEST' } } })
    c.ws.send(JSON.stringify({ id: 1, name: 'model.inspect', arg: { path: 7 } }))
    expect(await c.response(1)).toMatchObject({ result: { ok: false, error: { code: 'BAD_REQUEST' } } })
    c.ws.send(JSON.stringify({ id: 2, name: 'app.snapshot' }))
    expect(await c.response(2)).toMatchObject({ result: { ok: true, value: { transport: 'headless' } } })
    c.ws.close()
  })

  it('takes an upload into the models folder, only with the token', async () => {
    const body = await readFile(await getShapePath('tied'))
    const refused = await fetch(`${base}/api/upload?name=x.gguf`, { method: 'POST', body })
    expect(refused.status).toBe(401)
    const res = await fetch(`${base}/api/upload?name=..%2F..%2Fevil.gguf&token=${server.token}`, { method: 'POST', body })
    const result = (await res.json()) as { ok: boolean; value: { path: string } }
    expect(result.ok).toBe(true)
    expect(result.value.path.startsWith(t.modelsFolder + '/')).toBe(true)
    expect((await readFile(result.value.path)).equals(body)).toBe(true)
    // The same model again, under another name: the file already there is the answer, no copy is kept; a file
    // of the same size with other bytes is a model of its own.
    const upload = async (name: string, bytes: Buffer) =>
      ((await (await fetch(`${base}/api/upload?name=${name}&token=${server.token}`, { method: 'POST', body: bytes })).json()) as { value: { path: string } }).value.path
    expect(await upload('copy.gguf', body)).toBe(result.value.path)
    const other = Buffer.from(body)
    other.writeUInt8(other.readUInt8(other.length - 1) ^ 0xff, other.length - 1)
    expect(await upload('other.gguf', other)).not.toBe(result.value.path)
    // Three identical uploads finishing together keep one file, and each is told which.
    const gqa = await readFile(await getShapePath('gqa'))
    const answers = await Promise.all(['g1.gguf', 'g2.gguf', 'g3.gguf'].map((name) => upload(name, gqa)))
    expect(new Set(answers).size).toBe(1)
    const names = (await readdir(t.modelsFolder)).filter((n) => n.endsWith('.gguf')).sort()
    expect(names.filter((n) => n.startsWith('g'))).toEqual([answers[0]!.split('/').pop()])
    expect(names).toHaveLength(3)
    expect((await readFile(answers[0]!)).equals(gqa)).toBe(true)
  })

  it('takes a session upload into the sessions folder, and refuses one that is no session', async () => {
    const header = JSON.stringify({ type: 'session', version: 3, id: 'up', timestamp: new Date().toISOString(), cwd: '/' })
    const res = await fetch(`${base}/api/upload?kind=session&name=pi.jsonl&token=${server.token}`, { method: 'POST', body: `${header}\n` })
    const result = (await res.json()) as { ok: boolean; value: { path: string } }
    expect(result.ok).toBe(true)
    expect(result.value.path.startsWith(t.sessionsFolder + '/')).toBe(true)
    const bad = await fetch(`${base}/api/upload?kind=session&name=bad.jsonl&token=${server.token}`, { method: 'POST', body: 'not a session' })
    expect(await bad.json()).toMatchObject({ ok: false, error: { code: 'SESSION_INVALID' } })
    expect((await readdir(t.sessionsFolder)).some((f) => f.startsWith('bad'))).toBe(false)
  })

  it('answers an upload that is no model with the reason, and keeps it out of the models folder', async () => {
    const before = await readdir(t.modelsFolder)
    const res = await fetch(`${base}/api/upload?name=notes.gguf&token=${server.token}`, { method: 'POST', body: 'just notes' })
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'GGUF_BAD_MAGIC' } })
    expect(await readdir(t.modelsFolder)).toEqual(before)
  })
})
