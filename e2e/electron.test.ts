import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import os from 'node:os'
import { dirname, join } from 'node:path'
import { _electron, type ElectronApplication, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_ANSWER } from '../src/main/core/gguf-writer/makeDemoModel'
import { ARTIFACTS } from './browser'

/** The path of the Electron binary, or why there is none. */
function findElectron(): { path: string } | { reason: string } {
  try {
    const require = createRequire(import.meta.url)
    // Requiring 'electron' without its binary starts a download; look for the marker first.
    if (!existsSync(join(dirname(require.resolve('electron/package.json')), 'path.txt')))
      return { reason: 'no Electron binary installed (ELECTRON_SKIP_BINARY_DOWNLOAD was set, or the download failed)' }
    const path = require('electron') as unknown
    if (typeof path === 'string' && existsSync(path)) return { path }
    return { reason: 'the electron package has no binary' }
  } catch (error) {
    return { reason: `no Electron binary installed (${(error as Error).message.split('\n')[0]})` }
  }
}

const electron = findElectron()
const display = process.env.DISPLAY || process.env.WAYLAND_DISPLAY
const skipReason = 'reason' in electron ? electron.reason : !display ? 'no display (run under xvfb-run)' : null
if (skipReason) console.log(`Electron e2e skipped: ${skipReason}. The same UI is tested in Chromium through headless mode.`)

describe.skipIf(skipReason !== null)('Arbor in Electron', () => {
  let app: ElectronApplication
  let page: Page
  let home: string
  beforeAll(async () => {
    home = await mkdtemp(join(os.tmpdir(), 'arbor-electron-'))
    const args = [join(import.meta.dirname, '../out/main/index.js')]
    // Chromium refuses its sandbox as root (CI containers); a user's run keeps it.
    if (process.getuid?.() === 0) args.unshift('--no-sandbox')
    app = await _electron.launch({ executablePath: 'path' in electron ? electron.path : undefined, args, env: { ...process.env, ARBOR_HOME: home } })
    page = await app.firstWindow()
  })
  afterAll(async () => {
    await app?.close()
    await rm(home, { recursive: true, force: true })
  })

  it('opens the window with an isolated, Node-free page', async () => {
    await page.getByTestId('empty-state').waitFor()
    const isolated = await page.evaluate(() => ({
      bridge: typeof (window as unknown as { arbor?: unknown }).arbor,
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
    }))
    expect(isolated).toEqual({ bridge: 'object', require: 'undefined', process: 'undefined' })
    expect(await page.getByTestId('transport').textContent()).toMatch(/desktop/i)
  })

  it('creates the demo model, loads it and chats', async () => {
    await page.getByTestId('create-demo').click()
    await page.getByTestId('verdict').filter({ hasText: /fits/i }).waitFor()
    await page.getByTestId('load-button').click()
    await page.getByTestId('unload-button').waitFor({ timeout: 60_000 })
    await page.getByTestId('chat-input').fill('Hello?')
    await page.getByTestId('send-button').click()
    await page.locator('[data-testid="message"][data-role="assistant"]').filter({ hasText: DEMO_ANSWER }).waitFor()
    await page.screenshot({ path: join(ARTIFACTS, 'electron-chat.png') })
  })
})
