import { app, session, shell, type WebContents } from 'electron'

/**
 * The Content-Security-Policy of Arbor's window. The page talks to the core over IPC only, so it may connect to
 * nothing; in development the Vite server (and its hot-reload socket) is the one exception.
 */
export function contentSecurityPolicy(devServer: string | undefined): string {
  const dev = devServer && URL.canParse(devServer) ? new URL(devServer) : null
  const connect = dev ? `${dev.origin} ws://${dev.host}` : "'none'"
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src ${connect}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
  ].join('; ')
}

/** Links the user follows open in their browser: http and https only, never file:, javascript: or custom schemes. */
const openableExternally = (url: string): boolean => URL.canParse(url) && ['http:', 'https:'].includes(new URL(url).protocol)

/**
 * Electron's security checklist for every web contents the app will ever have (windows, and any frame or webview a
 * page might create): no navigation away from Arbor's page (a dropped file, a link, a redirect, a subframe), no new
 * windows (an http(s) link the user clicks opens in their browser instead), no webviews, no permission granted or
 * even reported as granted, and the CSP on every response.
 */
export function hardenContents(devServer: string | undefined): void {
  const csp = contentSecurityPolicy(devServer)
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } })
  })
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.defaultSession.setPermissionCheckHandler(() => false)
  app.on('web-contents-created', (_event, contents: WebContents) => {
    const stay = (event: { preventDefault(): void }) => event.preventDefault()
    contents.on('will-navigate', stay)
    contents.on('will-frame-navigate', stay)
    contents.on('will-redirect', stay)
    contents.on('will-attach-webview', stay)
    contents.setWindowOpenHandler(({ url }) => {
      if (openableExternally(url)) void shell.openExternal(url)
      return { action: 'deny' }
    })
  })
}
