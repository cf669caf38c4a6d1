import { randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { rm, stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { extname, join, normalize, sep } from 'node:path'
import { WebSocketServer } from 'ws'
import { headlessRoutes, TOKEN_QUERY } from '../../shared/bridge'
import { fail, ok, type Result } from '../../shared/errors'
import type { ArborCore } from '../core/ArborCore'
import { attachSocket, MAX_MESSAGE_BYTES } from './attachSocket'
import { receiveUpload, type UploadKind } from './receiveUpload'
import { createGuards, parseTarget, tokenCookie } from './requestGuards'

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
  /** An upload that sends nothing for this long is ended. Defaults to `60000`. */
  uploadIdleMs?: number
}

export type HeadlessServer = { url: string; port: number; token: string; close(): Promise<void> }

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

/**
 * The core and the built renderer over HTTP + WebSocket. Every request passes the same guards first (a target that
 * parses, the Host, the token, the Origin); every listener catches its own errors and answers them, so that no
 * request, frame or upload can stop the server for its other clients.
 */
export async function createHeadlessServer(options: HeadlessServerOptions): Promise<HeadlessServer> {
  const { core, rendererDir } = options
  const host = options.host ?? '127.0.0.1'
  const token = options.token ?? randomBytes(32).toString('hex')
  let port = 0
  const guards = createGuards(host, () => port, token)

  /** `unreadBody`: the answer comes before the request's body was read; the connection closes after it, as a
   * client still sending would otherwise meet a reset on its next request over the same connection. */
  const sendJson = (res: ServerResponse, status: number, body: Result<unknown>, unreadBody = false) => {
    if (res.headersSent) return void res.end()
    res.writeHead(status, { ...securityHeaders, 'content-type': 'application/json', ...(unreadBody ? { connection: 'close' } : {}) })
    res.end(JSON.stringify(body))
  }

  const serveStatic = async (res: ServerResponse, pathname: string, setCookie: boolean) => {
    let decoded: string
    try {
      decoded = decodeURIComponent(pathname)
    } catch {
      return sendJson(res, 400, fail('BAD_REQUEST', 'The path is not valid.'))
    }
    const relative = normalize(decoded).replace(/^([/\\])+/, '')
    let file = join(rendererDir, relative || 'index.html')
    if (!file.startsWith(rendererDir + sep) && file !== rendererDir) return sendJson(res, 403, fail('UNAUTHORIZED', 'Outside the app.'))
    const info = await stat(file).catch(() => null)
    if (!info?.isFile()) file = join(rendererDir, 'index.html')
    const headers: Record<string, string> = { ...securityHeaders, 'content-type': mimeTypes[extname(file)] ?? 'application/octet-stream' }
    if (setCookie) headers['set-cookie'] = `${tokenCookie(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`
    res.writeHead(200, headers)
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res)
  }

  const upload = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const asked = url.searchParams.get('kind')
    const kind: UploadKind = asked === 'session' || asked === 'extension' ? asked : 'model'
    const fallback = { model: 'upload.gguf', session: 'session.jsonl', extension: 'extension.ts' }[kind]
    const name = (url.searchParams.get('name') ?? fallback).slice(0, 1000)
    // An upload may take long (a model over a slow link): it ends when it stalls, not after a fixed time.
    req.setTimeout(options.uploadIdleMs ?? 60_000, () => req.destroy(new Error('The upload stalled.')))
    const { path, next, check } = await core.uploadTarget(kind, name)
    const received = await receiveUpload(req, kind, path, next)
    if (!received.ok) {
      if (req.complete) return sendJson(res, 200, received)
      // Refused before its end: answer, let the client read why, then stop taking its bytes.
      res.once('finish', () => setTimeout(() => req.socket.destroy(), 1000).unref())
      return sendJson(res, 200, received, true)
    }
    // A file that is no model (or no session) must not stay in Arbor's folders; the user's copy is untouched.
    const checked = await check(received.value.path)
    if (!checked.ok) {
      await rm(received.value.path, { force: true })
      return sendJson(res, 200, checked)
    }
    // The same model dropped again: the file already there is the answer, no second copy is kept.
    const kept = kind === 'model' ? await core.modelsFolder.keepOne(received.value.path) : received.value.path
    sendJson(res, 200, ok({ path: kept }))
  }

  const handleRequest = async (req: IncomingMessage, res: ServerResponse) => {
    const url = parseTarget(req)
    if (!url || !guards.hostAllowed(req)) return sendJson(res, 400, fail('BAD_REQUEST', 'Not a request for this server.'), true)
    const isAuthorized = guards.authorized(req, url)
    if (req.method === 'POST' && url.pathname === headlessRoutes.upload) {
      if (!isAuthorized || !guards.originAllowed(req)) return sendJson(res, 401, fail('UNAUTHORIZED', 'Missing or wrong token.'), true)
      return upload(req, res, url)
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, fail('BAD_REQUEST', 'Method not allowed.'), true)
    if (!isAuthorized) {
      res.writeHead(401, { ...securityHeaders, 'content-type': 'text/plain; charset=utf-8' })
      return res.end('Arbor headless: open the URL printed by `npm run serve`, with its ?token=.\n')
    }
    return serveStatic(res, url.pathname, url.searchParams.has(TOKEN_QUERY))
  }

  const server: Server = createServer((req, res) => {
    req.on('error', () => res.destroy())
    res.on('error', () => req.destroy())
    handleRequest(req, res).catch((error: unknown) => {
      console.error('Arbor headless: a request failed:', error)
      sendJson(res, 500, fail('INTERNAL', 'The server could not answer this request.'), true)
    })
  })
  // No total time for a request: uploads end when they stall (above); headers must come within a while.
  server.requestTimeout = 0
  server.headersTimeout = 30_000
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n')
    else socket.destroy()
  })

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES })
  sockets.on('error', () => undefined)
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy())
    try {
      const url = parseTarget(req)
      const allowed = url !== null && url.pathname === headlessRoutes.socket && guards.hostAllowed(req) && guards.authorized(req, url) && guards.originAllowed(req)
      if (!allowed) return void socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\n\r\n')
      sockets.handleUpgrade(req, socket, head, (ws) => attachSocket(ws, core))
    } catch (error) {
      console.error('Arbor headless: an upgrade failed:', error)
      socket.destroy()
    }
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => resolve())
  })
  server.on('error', (error) => console.error('Arbor headless: server error:', error))
  const address = server.address()
  port = typeof address === 'object' && address ? address.port : 0
  const shownHost = host.includes(':') ? `[${host}]` : host
  return {
    url: `http://${shownHost}:${port}/?${TOKEN_QUERY}=${token}`,
    port,
    token,
    close: async () => {
      for (const client of sockets.clients) client.terminate()
      sockets.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
