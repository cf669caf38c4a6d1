import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { ArborCoreOptions } from '../src/main/core/ArborCore'
import { describeInBrowser, startHeadless, type Headless } from './browser'

const notesReader = join(import.meta.dirname, '../test/fixtures/extensions/consent/notes-reader')

/**
 * Consent, trust and choices that outlive a restart, in Chromium: an extension that declares permissions waits
 * for "Allow and enable"; a working folder's extension waits for "Trust this folder"; and after the headless
 * server restarts on the same state file, what the user chose still holds.
 */
describeInBrowser('extension consent, trust and restarts in a browser', () => {
  let h: Headless
  let home: string
  let work: string
  let sessionFile: string
  let options: Pick<ArborCoreOptions, 'extensions' | 'extensionStateFile'>

  beforeAll(async () => {
    home = await mkdtemp(join(os.tmpdir(), 'arbor-e2e-consent-'))
    work = join(home, 'project')
    await mkdir(join(work, '.arbor', 'extensions'), { recursive: true })
    await writeFile(
      join(work, '.arbor', 'extensions', 'local.js'),
      `export default function (arbor) { arbor.registerCommand('local', { description: 'From the project', run: () => 'local ran' }) }\n`,
    )
    // A session whose working folder is the project: opening it brings the project's extensions along.
    sessionFile = join(home, 'project-session.jsonl')
    const header = { type: 'session', version: 3, id: '7d1c2a9e-5b7f-4c1e-9a1d-2f6e8b0c4d11', timestamp: '2025-01-01T00:00:00.000Z', cwd: work }
    await writeFile(sessionFile, JSON.stringify(header) + '\n')
    options = {
      // No `workspace`: the working folder follows the open session, as in the app.
      extensions: { bundledFolder: join(import.meta.dirname, '../resources/extensions'), userFolder: join(home, 'extensions'), watch: false },
      extensionStateFile: join(home, 'extensions.json'),
    }
    h = await startHeadless(options)
    await h.page.goto(h.server.url)
    await h.page.getByTestId('create-demo').waitFor()
  })
  afterAll(async () => {
    await h?.close()
    await rm(home, { recursive: true, force: true })
  })

  const page = () => h.page
  const entry = (name: string) => page().locator(`[data-testid="extension-entry"][data-name="${name}"]`)
  const statusOf = (name: string, status: string) =>
    page().waitForFunction(
      ([n, s]) => document.querySelector(`[data-testid="extension-entry"][data-name="${n}"]`)?.getAttribute('data-status') === s,
      [name, status],
    )
  const openManager = async () => {
    await page().getByTestId('open-extensions').click()
    await page().getByTestId('extensions').waitFor()
  }
  const closeManager = () => page().getByTestId('close-extensions').click()

  it('an installed extension that declares permissions shows them and does not run until "Allow and enable"', async () => {
    await openManager()
    // What the file chooser sends for a folder (a browser cannot drop one).
    const installed = await h.core.request('extensions.install', { path: notesReader })
    expect(installed.ok).toBe(true)
    await statusOf('notes-reader', 'needs-consent')
    const reader = entry('notes-reader')
    await reader.getByTestId('extension-status').filter({ hasText: 'permissions to review' }).waitFor()
    const consent = reader.getByRole('group', { name: 'notes-reader asks for these permissions' })
    await consent.waitFor()
    const asked = consent.getByTestId('consent-permission')
    expect(await asked.count()).toBe(2)
    expect(await asked.nth(0).textContent()).toMatch(/^Read files in .*Notes/)
    expect(await asked.nth(1).textContent()).toMatch(/^Use the network/)
    await reader.getByTestId('extension-contributes').filter({ hasText: 'Known once it runs.' }).waitFor()
    expect(await reader.getByTestId('extension-toggle').count()).toBe(0)
    await h.screenshot('consent-01-review')

    await consent.getByRole('button', { name: 'Allow and enable' }).click()
    await statusOf('notes-reader', 'enabled')
    await reader.getByTestId('extension-command').filter({ hasText: '/notes' }).waitFor()
    expect(await reader.getByTestId('extension-consent').count()).toBe(0)
    await reader.getByTestId('extension-permission').first().waitFor()
    await closeManager()
    await page().getByTestId('chat-input').fill('/notes')
    await page().getByTestId('send-button').click()
    await page().locator('[data-testid="message"]').filter({ hasText: 'The notes reader is running.' }).waitFor()
  })

  it('a working folder’s extension waits until the user trusts that folder, and stops when trust is taken back', async () => {
    expect((await h.core.request('session.open', { path: sessionFile })).ok).toBe(true)
    await openManager()
    await statusOf('local', 'untrusted')
    const banner = page().getByRole('group', { name: `Working folder ${work}` })
    await banner.waitFor()
    expect(await banner.textContent()).toContain(work)
    expect(await banner.textContent()).toMatch(/Not running: local.*runs their code/)
    await h.screenshot('consent-02-untrusted-folder')

    await banner.getByRole('button', { name: 'Trust this folder' }).click()
    // A file without a manifest declares nothing, and is still shown once for review.
    await statusOf('local', 'needs-consent')
    await entry('local').getByRole('button', { name: 'Allow and enable' }).click()
    await statusOf('local', 'enabled')
    await entry('local').getByTestId('extension-command').filter({ hasText: '/local' }).waitFor()
    expect(await banner.getAttribute('data-trusted')).toBe('true')

    await banner.getByRole('button', { name: 'Stop trusting this folder' }).click()
    await statusOf('local', 'untrusted')
    await banner.getByRole('button', { name: 'Trust this folder' }).click()
    await statusOf('local', 'enabled')
    await closeManager()
  })

  it('after a restart on the same state file, a disabled extension stays disabled and the other choices hold', async () => {
    await openManager()
    await entry('tokens').getByTestId('extension-toggle').click()
    await statusOf('tokens', 'disabled')
    await closeManager()

    await h.close()
    h = await startHeadless(options)
    await h.page.goto(h.server.url)
    await openManager()
    await statusOf('tokens', 'disabled')
    expect(await entry('tokens').getByTestId('extension-toggle').textContent()).toBe('Enable')
    // Allowed once, not asked again.
    await statusOf('notes-reader', 'enabled')
    await closeManager()
    // The folder is still trusted: its extension runs as soon as its session is open.
    expect((await h.core.request('session.open', { path: sessionFile })).ok).toBe(true)
    await openManager()
    await statusOf('local', 'enabled')
    await h.screenshot('consent-03-after-restart')
  })
})
