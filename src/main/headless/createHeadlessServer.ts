import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { rename, rm, stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { extname, join, normalize, sep } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { WebSocketServer, type WebSocket } from 'ws'
import { headlessRoutes, TOKEN_QUERY } from '../../shared/bridge'
import { parseEvent, type WireServerMessage } from '../../shared/contract'
import { fail, ok, type Result } from '../../shared/errors'
import type { ArborCore } from '../core/ArborCore'

export type HeadlessServerOptions = {
  core: ArborCore
  /** The built renderer (`out/renderer`). */
  rendererDir: string
  /** Defaults to `127.0.0.1`: only this machine can connect. */
  host?: string
  /** 0 picks a free port. Defaults to `0`. */
  port?: number
  /** Defaults to 32 random bytes, hex. */
  token?: string
}

export type HeadlessServer = { url: string; port: number; token: string; close(): Promise<void> }

const COOKIE = 'arbor_token'
const mimeTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
}
const securityHeaders = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
}

/** The core and the built renderer over HTTP + WebSocket, every request checked against one token. */
export async function createHeadlessServer(options: HeadlessServerOptions): Promise<HeadlessServer> {
  const { core, rendererDir } = options
  const host = options.host ?? '127.0.0.1'
  const token = options.token ?? randomBytes(32).toString('hex')
  const tokenBytes = Buffer.from(token)

  const tokenOf = (req: IncomingMessage, url: URL): string | null => {
    const fromQuery = url.searchParams.get(TOKEN_QUERY)
    if (fromQuery) return fromQuery
    const header = req.headers['x-arbor-token']
    if (typeof header === 'string') return header
    const cookie = /(?:^|;\s*)arbor_token=([^;]+)/.exec(req.headers.cookie ?? '')
    return cookie?.[1] ?? null
  }
  const authorized = (req: IncomingMessage, url: URL): boolean => {
    const given = Buffer.from(tokenOf(req, url) ?? '')
    return given.length === tokenBytes.length && timingSafeEqual(given, tokenBytes)
  }

  /** `unreadBody`: the answer comes before the request's body was read; the connection closes after it, as a
   * client still sending would otherwise meet a reset on its next request over the same connection. */
  const sendJson = (res: ServerResponse, status: number, body: Result<unknown>, unreadBody = false) => {
    res.writeHead(status, { ...securityHeaders, 'content-type': 'application/json', ...(unreadBody ? { connection: 'close' } : {}) })
    res.end(JSON.stringify(body))
  }

  const serveStatic = async (res: ServerResponse, pathname: string, setCookie: boolean) => {
    const relative = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '')
    let file = join(rendererDir, relative || 'index.html')
    if (!file.startsWith(rendererDir + sep) && file !== rendererDir) return sendJson(res, 403, fail('UNAUTHORIZED', 'Outside the app.'))
    const info = await stat(file).catch(() => null)
    if (!info?.isFile()) file = join(rendererDir, 'index.html')
    const headers: Record<string, string> = { ...securityHeaders, 'content-type': mimeTypes[extname(file)] ?? 'application/octet-stream' }
    if (setCookie) headers['set-cookie'] = `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`
    res.writeHead(200, headers)
    createReadStream(file).pipe(res)
  }

  const upload = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const kinds = { model: 'upload.gguf', session: 'session.jsonl', extension: 'extension.ts' } as const
    const asked = url.searchParams.get('kind')
    const kind = asked === 'session' || asked === 'extension' ? asked : 'model'
    const name = url.searchParams.get('name') ?? kinds[kind]
    const { path: target, check } = await core.uploadTarget(kind, name)
    const partial = `${target}.part`
    try {
      await pipeline(req, createWriteStream(partial, { flags: 'wx' }))
      await rename(partial, target)
      // A file that is no model (or no session) must not stay in Arbor's folders; the user's copy is untouched.
      const checked = await check(target)
      if (!checked.ok) {
        await rm(target, { force: true })
        return sendJson(res, 200, checked)
      }
      sendJson(res, 200, ok({ path: target }))
    } catch (error) {
      await rm(partial, { force: true })
      sendJson(res, 500, fail('UPLOAD_FAILED', `The upload did not complete: ${(error as Error).message}`))
    }
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const isAuthorized = authorized(req, url)
    if (req.method === 'POST' && url.pathname === headlessRoutes.upload) {
      if (!isAuthorized) return sendJson(res, 401, fail('UNAUTHORIZED', 'Missing or wrong token.'), true)
      return void upload(req, res, url)
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, fail('BAD_REQUEST', 'Method not allowed.'), true)
    if (!isAuthorized) {
      res.writeHead(401, { ...securityHeaders, 'content-type': 'text/plain; charset=utf-8' })
      return res.end('Arbor headless: open the URL printed by `npm run serve`, with its ?token=.\n')
    }
    void serveStatic(res, url.pathname, url.searchParams.has(TOKEN_QUERY)).catch(() => res.destroy())
  })

  const sockets = new WebSocketServer({ noServer: true, maxPayload: 8 << 20 })
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const origin = req.headers.origin
    const sameOrigin = !origin || new URL(origin).host === req.headers.host
    if (url.pathname !== headlessRoutes.socket || !authorized(req, url) || !sameOrigin) {
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n')
      return
    }
    sockets.handleUpgrade(req, socket, head, (ws) => attach(ws))
  })

  const attach = (ws: WebSocket) => {
    const send = (message: WireServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message))
    }
    const off = core.on((event) => {
      // Only events of the contract leave the process: a malformed one is a bug, logged and not sent.
      const checked = parseEvent(event)
      if (checked.ok) send({ kind: 'event', event })
      else console.error(`Arbor: not sent: ${checked.message}`)
    })
    ws.on('close', off)
    ws.on('message', (data) => {
      let message: { id?: unknown; name?: unknown; arg?: unknown }
      try {
        message = JSON.parse(String(data)) as typeof message
      } catch {
        return send({ kind: 'response', id: -1, result: fail('BAD_REQUEST', 'The message is not JSON.') })
      }
      const id = typeof message?.id === 'number' ? message.id : -1
      if (id === -1) return send({ kind: 'response', id, result: fail('BAD_REQUEST', 'The message has no numeric id.') })
      void core.handle(message.name, message.arg).then((result) => send({ kind: 'response', id, result }))
    })
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => resolve())
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  const shownHost = host.includes(':') ? `[${host}]` : host
  return {
    url: `http://${shownHost}:${port}/?${TOKEN_QUERY}=${token}`,
    port,
    token,
    close: async () => {
      for (const client of sockets.clients) client.terminate()
      sockets.close()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
