import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export type HubFault = {
  /** Answer every request for this path (API or file) with this status. */
  status?: number
  /** ...unless it carries `Authorization: Bearer <this>` (a gated repository and an account that may read it). */
  unlessToken?: string
  /** Close the connection after this many body bytes of a range request, the next `times` ones (default once). */
  dropAfterBytes?: number
  times?: number
  /** Announce the full length, send this many bytes fewer, then end. */
  shortBy?: number
  /** The tree lists another SHA-256 for the file. */
  wrongHash?: boolean
  /** Send the file's bytes at about this rate (a slow server or link). */
  bytesPerSecond?: number
  /** Stop sending (the connections stay open, silent) once this many bytes of the file were sent in all. */
  holdAfterBytes?: number
}

type Repo = { id: string; downloads: number; likes: number; files: Map<string, Buffer> }

/**
 * A stand-in for the Hugging Face Hub's routes that Arbor and node-llama-cpp use: search, a repository's tree
 * (sizes and LFS SHA-256), `resolve/main/<file>` with a redirect to a CDN path that honours ranges, ETag and
 * `x-linked-size`. Faults are switched per file; every byte sent is counted per file.
 */
export class FakeHub {
  readonly repos = new Map<string, Repo>()
  readonly faults = new Map<string, HubFault>()
  /** Body bytes sent per file name. */
  readonly served = new Map<string, number>()
  readonly requests: string[] = []
  /** The file the manifest route names for `<repo>:<TAG>` (the Hub's own pick, which a repository's file names may not tell). */
  readonly manifestChoice = new Map<string, string>()
  private server = createServer((req, res) => this.handle(req, res))
  url = ''

  addRepo(id: string, files: Record<string, string | Buffer>, stats: { downloads?: number; likes?: number } = {}): void {
    const map = new Map<string, Buffer>()
    for (const [name, source] of Object.entries(files)) map.set(name, typeof source === 'string' ? readFileSync(source) : source)
    this.repos.set(id, { id, downloads: stats.downloads ?? 0, likes: stats.likes ?? 0, files: map })
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
    return this.url
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise((resolve) => this.server.close(resolve))
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url)
    const path = decodeURIComponent(url.pathname)
    this.requests.push(`${req.method} ${path}${req.headers.range ? ` ${req.headers.range}` : ''}`)
    const json = (status: number, body: unknown): void => void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
    if (path === '/api/models') {
      const q = (url.searchParams.get('search') ?? '').toLowerCase()
      const rows = [...this.repos.values()].filter((r) => r.id.toLowerCase().includes(q)).sort((a, b) => b.downloads - a.downloads)
      return json(200, rows.map((r) => ({ id: r.id, author: r.id.split('/')[0], downloads: r.downloads, likes: r.likes, lastModified: '2026-11-30T12:00:00.000Z', tags: ['gguf'] })))
    }
    const info = /^\/api\/models\/([^/]+\/[^/]+)$/.exec(path)
    if (info) {
      const repo = this.repos.get(info[1]!)
      if (!repo) return json(404, { error: 'Repository not found' })
      return json(200, { id: repo.id, author: repo.id.split('/')[0], downloads: repo.downloads, likes: repo.likes, lastModified: '2026-11-30T12:00:00.000Z', tags: ['gguf'], siblings: [...repo.files.keys()].map((rfilename) => ({ rfilename })) })
    }
    // llama.cpp's route, which node-llama-cpp asks for `hf:owner/repo:TAG`: the file of that quantization
    // (`latest`: Q4_K_M, else the first); a repository can name another one (`manifestChoice`).
    const manifest = /^\/v2\/([^/]+\/[^/]+)\/manifests\/([^/]+)$/.exec(path)
    if (manifest) {
      const repo = this.repos.get(manifest[1]!)
      const fault = this.faults.get(manifest[1]!)
      if (fault?.status && req.headers.authorization !== `Bearer ${fault.unlessToken}`) return this.fail(res, fault.status)
      const tag = manifest[2]!.toUpperCase()
      const names = [...(repo?.files.keys() ?? [])]
      const quant = (n: string) => /[.-]((?:I?Q\d[A-Z0-9_]*)|F16|BF16|F32)(?:-\d{5}-of-\d{5})?\.gguf$/i.exec(n)?.[1]?.toUpperCase()
      const chosen = this.manifestChoice.get(`${manifest[1]}:${tag}`) ?? names.find((n) => quant(n) === (tag === 'LATEST' ? 'Q4_K_M' : tag) && !/-0000[2-9]-of-/.test(n)) ?? (tag === 'LATEST' ? names[0] : undefined)
      const bytes = chosen ? repo?.files.get(chosen) : undefined
      if (!chosen || !bytes) return json(404, { error: `no ${tag}` })
      return json(200, { ggufFile: { rfilename: chosen, blobId: `sha256:${createHash('sha256').update(bytes).digest('hex')}`, size: bytes.length } })
    }
    const tree = /^\/api\/models\/([^/]+\/[^/]+)\/tree\/main$/.exec(path)
    if (tree) {
      const repo = this.repos.get(tree[1]!)
      const fault = this.faults.get(tree[1]!)
      if (fault?.status && req.headers.authorization !== `Bearer ${fault.unlessToken}`) return this.fail(res, fault.status)
      if (!repo) return json(404, { error: 'Repository not found' })
      return json(200, [
        { type: 'file', path: 'README.md', size: 12, oid: 'x' },
        ...[...repo.files].map(([name, bytes]) => ({
          type: 'file',
          path: name,
          size: bytes.length,
          oid: 'git-oid',
          lfs: { oid: this.faults.get(name)?.wrongHash ? '0'.repeat(64) : createHash('sha256').update(bytes).digest('hex'), size: bytes.length, pointerSize: 134 },
        })),
      ])
    }
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/main\/(.+)$/.exec(path)
    if (resolve) {
      const fault = this.faults.get(resolve[2]!)
      if (fault?.status) return this.fail(res, fault.status)
      const bytes = this.repos.get(resolve[1]!)?.files.get(resolve[2]!)
      if (!bytes) return json(404, { error: 'Entry not found' })
      res.writeHead(302, { location: `/cdn/${resolve[1]}/${encodeURIComponent(resolve[2]!)}`, 'x-linked-size': String(bytes.length), etag: `"${resolve[2]}"` }).end()
      return
    }
    const cdn = /^\/cdn\/([^/]+\/[^/]+)\/(.+)$/.exec(path)
    const bytes = cdn ? this.repos.get(cdn[1]!)?.files.get(cdn[2]!) : undefined
    if (!cdn || !bytes) return json(404, { error: 'not found' })
    this.send(req, res, cdn[2]!, bytes)
  }

  private fail(res: ServerResponse, status: number): void {
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (status === 429) headers.ratelimit = '"api";r=0;t=1'
    res.writeHead(status, headers).end(JSON.stringify({ error: status === 401 ? 'Access to model is restricted. You must have access to it and be authenticated to access it.' : `status ${status}` }))
  }

  private send(req: IncomingMessage, res: ServerResponse, name: string, bytes: Buffer): void {
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '')
    const start = range ? Number(range[1]) : 0
    const end = range && range[2] ? Math.min(Number(range[2]), bytes.length - 1) : bytes.length - 1
    if (start >= bytes.length) return void res.writeHead(416, { 'content-range': `bytes */${bytes.length}` }).end()
    const headers: Record<string, string> = { 'accept-ranges': 'bytes', etag: `"${name}"`, 'content-length': String(end - start + 1), 'content-type': 'application/octet-stream' }
    if (range) headers['content-range'] = `bytes ${start}-${end}/${bytes.length}`
    if (req.method === 'HEAD') return void res.writeHead(range ? 206 : 200, headers).end()
    res.writeHead(range ? 206 : 200, headers)
    let body = bytes.subarray(start, end + 1)
    const fault = this.faults.get(name)
    const count = (n: number) => this.served.set(name, (this.served.get(name) ?? 0) + n)
    if (fault?.shortBy) {
      body = body.subarray(0, Math.max(0, body.length - fault.shortBy))
      count(body.length)
      res.write(body)
      res.destroy()
      return
    }
    if (fault?.dropAfterBytes !== undefined && range && (fault.times ?? 1) > 0 && body.length > fault.dropAfterBytes) {
      fault.times = (fault.times ?? 1) - 1
      const sent = body.subarray(0, fault.dropAfterBytes)
      count(sent.length)
      res.write(sent, () => res.destroy())
      return
    }
    // In steps, counting what the socket took: a client that hangs up early (a header read) is not charged the rest.
    let offset = 0
    const rate = fault?.bytesPerSecond
    const pump = (): void => {
      while (offset < body.length && !res.destroyed) {
        if (fault?.holdAfterBytes !== undefined && (this.served.get(name) ?? 0) >= fault.holdAfterBytes) return
        const step = body.subarray(offset, offset + (64 << 10))
        offset += step.length
        count(step.length)
        if (!res.write(step)) return void res.once('drain', pump)
        if (rate) return void setTimeout(pump, (step.length / rate) * 1000)
      }
      if (!res.destroyed) res.end()
    }
    pump()
  }
}
