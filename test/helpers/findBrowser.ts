import { accessSync, constants, statSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'

/** A Chromium-family browser to drive with Playwright, and where it was found; or why there is none. */
export type FoundBrowser = { path: string; source: string } | { path: null; reason: string }

const isExecutable = (path: string): boolean => {
  try {
    if (!statSync(path).isFile()) return false
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** Where Chrome, Chromium and Edge are installed by default on this platform. */
function installedBrowsers(): string[] {
  if (process.platform === 'darwin')
    return ['Google Chrome.app/Contents/MacOS/Google Chrome', 'Chromium.app/Contents/MacOS/Chromium', 'Microsoft Edge.app/Contents/MacOS/Microsoft Edge'].flatMap(
      (app) => [join('/Applications', app), join(os.homedir(), 'Applications', app)],
    )
  if (process.platform === 'win32') {
    const roots = [process.env.PROGRAMFILES, process.env['PROGRAMFILES(X86)'], process.env.LOCALAPPDATA].filter((r): r is string => !!r)
    return roots.flatMap((root) => [join(root, 'Google/Chrome/Application/chrome.exe'), join(root, 'Chromium/Application/chrome.exe'), join(root, 'Microsoft/Edge/Application/msedge.exe')])
  }
  return [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/opt/google/chrome/chrome',
    '/usr/bin/microsoft-edge',
    '/snap/bin/chromium',
  ]
}

let found: Promise<FoundBrowser> | null = null

/**
 * The browser the end-to-end tests and the benchmark use, in this order: `ARBOR_CHROMIUM` (a path), a Chrome,
 * Chromium or Edge installed where they usually are, and on Linux x64 the Chromium that the npm package
 * `@sparticuz/chromium` carries (unpacked into the temporary folder on first use). None: the reason, for the
 * specs to print as they skip.
 */
export function findBrowser(): Promise<FoundBrowser> {
  found ??= locate()
  return found
}

async function locate(): Promise<FoundBrowser> {
  const asked = process.env.ARBOR_CHROMIUM ?? process.env.CHROMIUM_PATH
  if (asked) return isExecutable(asked) ? { path: asked, source: 'ARBOR_CHROMIUM' } : { path: null, reason: `ARBOR_CHROMIUM=${asked} is not an executable file` }
  const installed = installedBrowsers().find(isExecutable)
  if (installed) return { path: installed, source: 'installed' }
  if (process.platform !== 'linux' || process.arch !== 'x64')
    return { path: null, reason: `no Chrome, Chromium or Edge installed; set ARBOR_CHROMIUM to one (the npm Chromium is for Linux x64 only, this is ${process.platform} ${process.arch})` }
  try {
    const { default: chromium } = (await import('@sparticuz/chromium')) as { default: { executablePath(): Promise<string> } }
    const path = await chromium.executablePath()
    return isExecutable(path) ? { path, source: '@sparticuz/chromium' } : { path: null, reason: `@sparticuz/chromium unpacked no executable at ${path}` }
  } catch (error) {
    return { path: null, reason: `no Chrome, Chromium or Edge installed, and @sparticuz/chromium could not unpack one (${(error as Error).message.split('\n')[0]}); set ARBOR_CHROMIUM` }
  }
}

/** Flags for a headless run in a container or CI (no sandbox as root, no GPU, nothing phoning home). */
export const BROWSER_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
