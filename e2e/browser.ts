import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { describe } from 'vitest'
import { BROWSER_ARGS, findBrowser } from '../test/helpers/findBrowser'
import { createHeadlessServer, type HeadlessServer } from '../src/main/headless/createHeadlessServer'
import { ArborCore, type ArborCoreOptions } from '../src/main/core/ArborCore'

/** The browser these specs drive (see `findBrowser`); without one they skip, saying why, as the Electron spec does. */
export const browserFound = await findBrowser()
if (browserFound.path === null) console.log(`Browser e2e skipped: ${browserFound.reason}.`)

/** `describe` for specs that need the browser: skipped when there is none. */
export const describeInBrowser: typeof describe = browserFound.path ? describe : (describe.skip as typeof describe)
export const ARTIFACTS = join(import.meta.dirname, '../test-results/e2e')

export type Headless = {
  server: HeadlessServer
  core: ArborCore
  modelsFolder: string
  browser: Browser
  page: Page
  screenshot(name: string): Promise<void>
  close(): Promise<void>
}

/**
 * Arbor's headless mode on a free port with an empty models folder, and a Chromium on it. The extension
 * state file is a fresh one in the same temporary folder unless `extensionStateFile` names one (to restart with it).
 */
export async function startHeadless(options: Pick<ArborCoreOptions, 'extensions' | 'extensionStateFile' | 'hub'> = {}): Promise<Headless> {
  const root = await mkdtemp(join(os.tmpdir(), 'arbor-e2e-'))
  const modelsFolder = join(root, 'models')
  await mkdir(modelsFolder)
  const extensionStateFile = options.extensionStateFile ?? join(root, 'extensions.json')
  const core = await ArborCore.create({ modelsFolder, sessionsFolder: join(root, 'sessions'), piSessionsFolder: join(root, 'pi', 'sessions'), transport: 'headless', memorySampleMs: 500, ...options, extensionStateFile })
  const server = await createHeadlessServer({ core, rendererDir: join(import.meta.dirname, '../out/renderer') })
  if (browserFound.path === null) throw new Error(`No browser: ${browserFound.reason}`)
  const browser = await chromium.launch({ executablePath: browserFound.path, args: BROWSER_ARGS })
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
  await mkdir(ARTIFACTS, { recursive: true })
  return {
    server,
    core,
    modelsFolder,
    browser,
    page,
    screenshot: async (name) => {
      await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true })
    },
    close: async () => {
      await browser.close()
      await server.close()
      await core.dispose()
      await rm(root, { recursive: true, force: true })
    },
  }
}

/** Drops a file on the page with a real drag-and-drop sequence carrying a File. */
export async function dropFile(page: Page, name: string, bytes: Buffer): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    ({ name, base64 }) => {
      const binary = atob(base64)
      const data = new Uint8Array(binary.length)
      for (let i = 0; i < binary.length; i++) data[i] = binary.charCodeAt(i)
      const transfer = new DataTransfer()
      transfer.items.add(new File([data], name, { type: 'application/octet-stream' }))
      return transfer
    },
    { name, base64: bytes.toString('base64') },
  )
  for (const type of ['dragenter', 'dragover', 'drop'])
    await page.dispatchEvent('body', type, { dataTransfer })
}

/** A headless Arbor in Chromium with the demo model created from the page and loaded, as a new user does it. */
export async function startWithDemoLoaded(): Promise<Headless> {
  const h = await startHeadless()
  await h.page.goto(h.server.url)
  await h.page.getByTestId('create-demo').click()
  await h.page.getByTestId('verdict').filter({ hasText: /fits/i }).waitFor()
  await h.page.getByTestId('load-button').click()
  await h.page.getByTestId('unload-button').waitFor({ timeout: 60_000 })
  return h
}
