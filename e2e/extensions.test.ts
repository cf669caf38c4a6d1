import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { DEMO_ANSWER } from '../src/main/core/gguf-writer/makeDemoModel'
import { describeInBrowser, dropFile, startHeadless, type Headless } from './browser'

/** The extension manager and commands in Chromium, with the bundled extensions and a breakable one. */
describeInBrowser('extensions in a browser', () => {
  let h: Headless
  let home: string
  beforeAll(async () => {
    home = await mkdtemp(join(os.tmpdir(), 'arbor-e2e-ext-'))
    await writeFile(join(home, 'notes.txt'), 'a file the workspace tools may read\n')
    h = await startHeadless({
      extensions: {
        bundledFolder: join(import.meta.dirname, '../resources/extensions'),
        userFolder: join(home, 'extensions'),
        workspace: { folder: home, trusted: true },
        watch: false,
      },
    })
    await h.page.goto(h.server.url)
    await h.page.getByTestId('create-demo').click()
    await h.page.getByTestId('verdict').filter({ hasText: /fits/i }).waitFor()
    await h.page.getByTestId('load-button').click()
    await h.page.getByTestId('unload-button').waitFor({ timeout: 60_000 })
  })
  afterAll(async () => {
    await h?.close()
    await rm(home, { recursive: true, force: true })
  })

  const page = () => h.page
  const entry = (name: string) => page().locator(`[data-testid="extension-entry"][data-name="${name}"]`)
  const lastCustom = () => page().locator('[data-testid="message"]').last()
  const command = async (text: string) => {
    await page().getByTestId('chat-input').fill(text)
    await page().getByTestId('send-button').click()
  }

  it('lists the bundled extensions with what their tools cost', async () => {
    await page().getByTestId('open-extensions').click()
    await page().getByTestId('extensions').waitFor()
    for (const name of ['tokens', 'workspace', 'export', 'trim-tool-output']) await entry(name).waitFor()
    await entry('workspace').getByTestId('extension-tokens').filter({ hasText: /\d+ tokens/ }).waitFor()
    expect(await entry('workspace').getAttribute('data-status')).toBe('enabled')
    await h.screenshot('ext-01-manager')
    await page().getByTestId('close-extensions').click()
  })

  it("changes an extension's setting: the folder its permission grants follows", async () => {
    const sub = join(home, 'only-this')
    await mkdir(sub)
    await page().getByTestId('open-extensions').click()
    const workspace = entry('workspace')
    expect(await workspace.getByTestId('extension-permission-path').textContent()).toContain(home)
    await workspace.getByTestId('extension-setting-root').fill(sub)
    await workspace.getByTestId('extension-settings-save').click()
    await workspace.getByTestId('extension-permission-path').filter({ hasText: 'only-this' }).waitFor()
    await page().waitForFunction(() => document.querySelector('[data-testid="extension-entry"][data-name="workspace"]')?.getAttribute('data-status') === 'enabled')
    await page().getByTestId('close-extensions').click()
  })

  it("disabling an extension takes its tools out of the /tokens report", async () => {
    await command('/tokens')
    await lastCustom().filter({ hasText: 'tools of workspace' }).waitFor()
    await page().getByTestId('open-extensions').click()
    await entry('workspace').getByTestId('extension-toggle').click()
    await page().waitForFunction(() => document.querySelector('[data-testid="extension-entry"][data-name="workspace"]')?.getAttribute('data-status') === 'disabled')
    await page().getByTestId('close-extensions').click()
    await command('/tokens')
    await page().waitForFunction(() => document.querySelectorAll('[data-testid="message"]').length >= 2)
    await lastCustom().filter({ hasText: 'history' }).waitFor()
    expect(await lastCustom().textContent()).not.toContain('tools of workspace')
  })

  it('installs an extension dropped on the manager and runs its command', async () => {
    await page().getByTestId('open-extensions').click()
    const source = await readFile(join(import.meta.dirname, '../test/fixtures/extensions/e2e/breakable.ts'))
    await dropFile(page(), 'breakable.ts', source)
    await entry('breakable').waitFor()
    // A file without a manifest declares nothing, and is still shown once for review before it runs.
    await entry('breakable').getByRole('button', { name: 'Allow and enable' }).click()
    await page().waitForFunction(() => document.querySelector('[data-testid="extension-entry"][data-name="breakable"]')?.getAttribute('data-status') === 'enabled')
    await page().getByTestId('close-extensions').click()
    await command('/hello trees')
    await lastCustom().filter({ hasText: 'Hello from an extension, trees!' }).waitFor()
  })

  it('marks a crashing extension failed, and chat still works', async () => {
    await command('/crash')
    // Said with the messages, where it happened, not as a banner above everything.
    await page().getByTestId('command-error').filter({ hasText: '/crash' }).waitFor()
    expect(await page().getByTestId('error').count()).toBe(0)
    await page().getByTestId('open-extensions').click()
    await page().waitForFunction(() => {
      const status = document.querySelector('[data-testid="extension-entry"][data-name="breakable"]')?.getAttribute('data-status')
      return status === 'failed' || status === 'restarting'
    })
    await entry('breakable').getByTestId('extension-error').waitFor()
    await h.screenshot('ext-02-failed')
    await page().getByTestId('close-extensions').click()
    await page().getByTestId('chat-input').fill('Are you still there?')
    await page().getByTestId('send-button').click()
    await page().locator('[data-testid="message"][data-role="assistant"]').filter({ hasText: DEMO_ANSWER }).last().waitFor()
  })

  it('runs commands without a loaded model', async () => {
    await page().getByTestId('unload-button').click()
    await page().getByTestId('chat-hint').waitFor()
    await command('/tokens')
    await lastCustom().filter({ hasText: 'No model is loaded' }).waitFor()
  })
})
