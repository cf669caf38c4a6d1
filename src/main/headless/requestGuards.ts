import { timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { TOKEN_QUERY } from '../../shared/bridge'

/**
 * The checks every request to the headless server passes before anything else is done with it: the target parsed
 * without throwing, the token, the Host header (DNS rebinding) and, for a browser, the Origin. Pure functions of
 * the request; none throws.
 */

/** The request's path and query, or null for a target that is no URL (`//[`, a bare `*`). */
export function parseTarget(req: IncomingMessage): URL | null {
  const target = req.url ?? '/'
  if (!target.startsWith('/') || target.startsWith('//')) return null
  return URL.canParse(target, 'http://arbor.invalid') ? new URL(target, 'http://arbor.invalid') : null
}

/** The token cookie's name: one per port, so that two servers on one machine do not share or clobber it. */
export const tokenCookie = (port: number): string => `arbor_token_${port}`

export type Guards = {
  /** Whether the request carries the token: query, `x-arbor-token` header, or this port's cookie. */
  authorized(req: IncomingMessage, url: URL | null): boolean
  /** Whether the Host header names this server (a DNS-rebinding page sends its own name). */
  hostAllowed(req: IncomingMessage): boolean
  /** No Origin (a program, not a page), or exactly this server's (scheme, host and port). */
  originAllowed(req: IncomingMessage): boolean
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]'])

/** The guards for a server bound to `host`, answering on `port()` (known once it listens), with this token. */
export function createGuards(host: string, port: () => number, token: string): Guards {
  const expected = Buffer.from(token)
  const anyHost = host === '0.0.0.0' || host === '::'
  const names = LOOPBACK.has(host) ? LOOPBACK : new Set([host.includes(':') ? `[${host}]` : host, ...LOOPBACK])
  const tokenOf = (req: IncomingMessage, url: URL | null): string | null => {
    const fromQuery = url?.searchParams.get(TOKEN_QUERY)
    if (fromQuery) return fromQuery
    const header = req.headers['x-arbor-token']
    if (typeof header === 'string') return header
    const name = tokenCookie(port())
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const [key, ...value] = part.trim().split('=')
      if (key === name) return value.join('=')
    }
    return null
  }
  const hostAllowed = (req: IncomingMessage): boolean => {
    const header = req.headers.host
    if (typeof header !== 'string' || header.length > 300) return false
    if (anyHost) return true
    const at = header.lastIndexOf(':')
    const name = at > 0 && !header.endsWith(']') ? header.slice(0, at) : header
    const givenPort = at > 0 && !header.endsWith(']') ? header.slice(at + 1) : '80'
    return names.has(name.toLowerCase()) && givenPort === String(port())
  }
  return {
    authorized(req, url) {
      const given = Buffer.from(tokenOf(req, url) ?? '')
      return given.length === expected.length && timingSafeEqual(given, expected)
    },
    hostAllowed,
    originAllowed(req) {
      const origin = req.headers.origin
      if (origin === undefined) return true
      if (typeof origin !== 'string' || !URL.canParse(origin)) return false
      const parsed = new URL(origin)
      return parsed.protocol === 'http:' && parsed.host === req.headers.host && hostAllowed(req)
    },
  }
}
