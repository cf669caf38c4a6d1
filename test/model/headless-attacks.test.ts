import { request } from 'node:http'
import { connect as tcpConnect } from 'node:net'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { createHeadlessServer, type HeadlessServer } from '../../src/main/headless/createHeadlessServer'
import { getShapePath } from '../helpers/fixtures'
import { createTestCore, type TestCore } from '../helpers/testCore'

/** Sends raw bytes to the server and answers what it wrote back (a request `fetch` would refuse to build). */
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1', () => socket.write(text))
    let answer = ''
    socket.on('data', (d) => (answer += String(d)))
    socket.on('error', () => resolve(answer))
    socket.on('close', () => resolve(answer))
    setTimeout(() => socket.destroy(), 3000)
  })
}

/** Opens a socket; resolves with it once open, rejects with the HTTP status otherwise. */
function socket(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers })
    ws.once('open', () => resolve(ws))
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
    ws.once('error', reject)
  })
}

/** One request and its answer over a socket. */
function ask(ws: WebSocket, id: number, name: string): Promise<{ ok: boolean }> {
  return new Promise((resolve) => {
    const listener = (data: unknown) => {
      const message = JSON.parse(String(data)) as { kind: string; id: number; result: { ok: boolean } }
      if (message.kind !== 'response' || message.id !== id) return
      ws.off('message', listener)
      resolve(message.result)
    }
    ws.on('message', listener)
    ws.send(JSON.stringify({ id, name }))
  })
}

/**
 * The headless server attacked as a page, a program or a careless user would: each request that once killed it,
 * then a check that it still answers. Everything goes to one server in one process, as in `npm run serve`.
 */
describe('the headless server under attack', () => {
  let t: TestCore
  let server: HeadlessServer
  let rendererDir: string
  let base: string
  const alive = async () => {
    const res = await fetch(server.url)
    expect(res.status).toBe(200)
  }

  beforeAll(async () => {
    t = await createTestCore()
    rendererDir = await mkdtemp(join(os.tmpdir(), 'arbor-renderer-'))
    await mkdir(join(rendererDir, 'assets'))
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Arbor</title>')
    server = await createHeadlessServer({ core: t.core, rendererDir })
    base = `http://127.0.0.1:${server.port}`
  })
  afterAll(async () => {
    await server.close()
    await t.dispose()
    await rm(rendererDir, { recursive: true, force: true })
  })

  it('refuses a socket from a sandboxed page or a file (Origin: null), and lives', async () => {
    await expect(socket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, { origin: 'null' })).rejects.toThrow('401')
    await expect(socket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, { origin: `https://127.0.0.1:${server.port}` })).rejects.toThrow('401')
    await alive()
  })

  it('answers a target that is no URL (//[, as an <img src> on any page can send) with 400, and lives', async () => {
    expect(await raw(server.port, `GET //[ HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400/)
    expect(await raw(server.port, `GET * HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400/)
    expect(await raw(server.port, 'this is not HTTP\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/)
    expect(await raw(server.port, `GET /%E0%A4%A HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\ncookie: arbor_token_${server.port}=${server.token}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400/)
    await alive()
  })

  it('refuses a request named for another host (DNS rebinding), even with the token', async () => {
    const answer = await raw(server.port, `GET /?token=${server.token} HTTP/1.1\r\nHost: evil.example:${server.port}\r\n\r\n`)
    expect(answer).toMatch(/^HTTP\/1\.1 400/)
    expect(answer).not.toContain('<title>Arbor</title>')
    await expect(socket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, { host: `evil.example:${server.port}` })).rejects.toThrow()
  })

  it('keeps its token cookie to its own port', async () => {
    const page = await fetch(server.url)
    expect(page.headers.get('set-cookie')).toMatch(new RegExp(`^arbor_token_${server.port}=`))
    expect((await fetch(`${base}/`, { headers: { cookie: `arbor_token=${server.token}` } })).status).toBe(401)
    expect((await fetch(`${base}/`, { headers: { cookie: `arbor_token_1=${server.token}` } })).status).toBe(401)
  })

  it('closes only the socket that sends a frame over 8 MiB (a 9 MB paste); every other client goes on', async () => {
    const other = await socket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`)
    const big = await socket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`)
    const closed = new Promise<number>((resolve) => big.on('close', (code) => resolve(code)))
    big.on('error', () => undefined)
    big.send(JSON.stringify({ id: 1, name: 'chat.send', arg: { text: 'x'.repeat(9 << 20) } }))
    expect(await closed).toBe(1009)
    expect(await ask(other, 7, 'app.snapshot')).toMatchObject({ ok: true })
    other.close()
    await alive()
  })

  it('refuses an upload that is no model on its first chunk, without writing the rest', async () => {
    const before = await readdir(t.modelsFolder)
    let sent = 0
    const answer = await new Promise<string>((resolve) => {
      const req = request(`${base}/api/upload?name=nope.gguf&token=${server.token}`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' } }, (res) => {
        let body = ''
        res.on('data', (d) => (body += String(d)))
        res.on('end', () => resolve(body))
      })
      req.on('error', () => undefined)
      const chunk = Buffer.alloc(1 << 20, 'NOPE')
      // 300 MB, a chunk at a time, as long as the server takes them: it answers long before the end.
      const pump = () => {
        while (sent < 300 << 20) {
          sent += chunk.length
          if (!req.write(chunk)) return void req.once('drain', pump)
        }
        req.end()
      }
      pump()
    })
    expect(JSON.parse(answer)).toMatchObject({ ok: false, error: { code: 'GGUF_BAD_MAGIC' } })
    expect(sent).toBeLessThan(100 << 20)
    expect(await readdir(t.modelsFolder)).toEqual(before)
    await alive()
  })

  it('refuses an upload larger than its kind allows by its declared size', async () => {
    const res = await raw(server.port, `POST /api/upload?kind=session&name=huge.jsonl&token=${server.token} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\ncontent-length: ${600 << 20}\r\n\r\n{"type":"session"`)
    expect(res).toContain('FILE_TOO_LARGE')
    expect((await readdir(t.sessionsFolder).catch(() => [] as string[])).some((f) => f.startsWith('huge'))).toBe(false)
  })

  it('takes a 400-character name, capped and made safe, and two uploads of one name at once', async () => {
    const body = await readFile(await getShapePath('tied'))
    const long = `${'x'.repeat(400)}.gguf`
    const res = (await (await fetch(`${base}/api/upload?name=${long}&token=${server.token}`, { method: 'POST', body })).json()) as { ok: boolean; value: { path: string } }
    expect(res.ok).toBe(true)
    expect(res.value.path.split('/').pop()!.length).toBeLessThanOrEqual(130)
    // Two different models of one name (identical ones would be one file: the library keeps one copy).
    const bodies = [1, 2].map((flip) => {
      const copy = Buffer.from(body)
      copy.writeUInt8(copy.readUInt8(copy.length - 1) ^ flip, copy.length - 1)
      return copy
    })
    const twice = await Promise.all(
      bodies.map(async (b) => (await (await fetch(`${base}/api/upload?name=same.gguf&token=${server.token}`, { method: 'POST', body: b })).json()) as { ok: boolean; value: { path: string } }),
    )
    expect(twice.map((r) => r.ok)).toEqual([true, true])
    expect(new Set(twice.map((r) => r.value.path)).size).toBe(2)
    for (const [i, r] of twice.entries()) expect((await readFile(r.value.path)).equals(bodies[i]!)).toBe(true)
    await alive()
  })
})
