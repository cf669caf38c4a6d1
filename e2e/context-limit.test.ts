import { dirname, join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeInBrowser, startWithDemoLoaded, type Headless } from './browser'

const usage = { input: 1, output: 1, cacheRead: 0, cacheWrite: 0, totalTokens: 2, cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 } }
const words = (n: number, seed: string) => Array.from({ length: n }, (_, i) => `${seed}${i}`).join(' ')

/** The context's limit as the user meets it: the draft counted while typing, a refusal that explains, /compact. */
describeInBrowser('the context limit in a browser', () => {
  let h: Headless
  beforeAll(async () => {
    h = await startWithDemoLoaded()
  }, 120_000)
  afterAll(async () => {
    await h?.close()
  })

  const page = () => h.page
  const waitIdle = () => page().getByTestId('send-button').waitFor()

  it('counts the draft while it is typed and turns red before an oversized prompt is sent', async () => {
    await page().getByTestId('chat-input').fill('A short question about oaks?')
    const status = page().getByTestId('draft-status')
    await expect.poll(() => status.getAttribute('data-level')).toBe('ok')
    const small = Number((await page().getByTestId('draft-tokens').textContent())!.replace(/,/g, ''))
    expect(small).toBeGreaterThan(0)
    await page().getByTestId('chat-input').fill(words(1500, 'oak'))
    await expect.poll(() => status.getAttribute('data-level')).toBe('over')
    expect(await page().getByTestId('composition').getAttribute('class')).toContain('over')
    expect(await status.textContent()).toMatch(/too long for this context even without the conversation: it will be refused/)
    await h.screenshot('context-draft-over')
  })

  it('under "refuse", sending it is refused with the numbers, and the draft stays', async () => {
    await page().getByTestId('overflow-policy').selectOption('stop')
    await expect.poll(() => page().getByTestId('draft-status').textContent()).toMatch(/it will be refused/)
    await page().getByTestId('send-button').click()
    // Said in the conversation, where the message would have gone, not in a banner that moves the page.
    const refusal = page().getByTestId('command-error')
    await refusal.filter({ hasText: 'CONTEXT_OVERFLOW' }).waitFor()
    expect(await refusal.textContent()).toMatch(/Not sent: the context is full.*This turn needs [\d,]+ prompt tokens; a 4,096-token context takes at most 3,670/)
    expect(await page().getByTestId('error').count()).toBe(0)
    expect(await page().getByTestId('chat-input').inputValue()).toBe(words(1500, 'oak'))
    expect(await page().getByTestId('message').count()).toBe(0)
  })

  it('/compact after a few turns shows a compaction node, and the composition shrinks', async () => {
    await page().getByTestId('overflow-policy').selectOption('compact')
    for (let i = 0; i < 6; i++) {
      await page().getByTestId('chat-input').fill(`Turn ${i}: ${words(50, `w${i}x`)}`)
      await page().getByTestId('send-button').click()
      await page().waitForFunction((n) => document.querySelectorAll('[data-role="assistant"]').length >= n, i + 1)
      await waitIdle()
    }
    const history = async () => Number(await page().getByTestId('composition-history').textContent())
    const before = await history()
    await page().getByTestId('chat-input').fill('/compact')
    await page().getByTestId('send-button').click()
    // While the model writes the summary, the composer says so, with the tokens so far.
    const progress = page().getByTestId('compact-progress')
    await progress.waitFor({ timeout: 30_000 })
    expect(await progress.textContent()).toMatch(/Compacting the conversation.* · [\d,]+ tokens written/)
    const node = page().locator('[data-role="compactionSummary"]')
    await node.waitFor({ timeout: 60_000 })
    await waitIdle()
    await expect.poll(history).toBeLessThan(before)
    expect(await node.getByTestId('compaction-note').textContent()).toMatch(/Replaces the conversation above it \([\d,]+ tokens\)/)
    // The composition counts what the model reads now: the summary and the kept part, not the whole path.
    const sent = Number((await page().getByTestId('composition').textContent())!.match(/History \((\d+) messages\)/)![1])
    expect(sent).toBeLessThan(await page().getByTestId('message').count())
    await h.screenshot('context-compacted')
  }, 120_000)

  it("sets the default for sessions that chose none in Settings, with what the sizes come to in the loaded context", async () => {
    const select = page().getByTestId('overflow-policy')
    await select.selectOption('')
    await page().getByTestId('open-settings').click()
    const dialog = page().getByTestId('settings')
    await expect.poll(() => dialog.getByTestId('settings-effect').textContent()).toBe(
      "With the loaded model's 4,096-token context: compaction starts past 3,072 prompt tokens and keeps the last 1,229.",
    )
    await dialog.getByTestId('default-policy-stop').check()
    await page().getByTestId('settings-reserve').fill('1500')
    await page().getByTestId('settings-reserve').press('Enter')
    await expect.poll(() => dialog.getByTestId('settings-effect').textContent()).toMatch(/starts past 2,596 prompt tokens/)
    await h.screenshot('settings-dialog')
    await page().getByTestId('settings-reserve').fill('')
    await page().getByTestId('settings-reserve').press('Enter')
    await page().keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
    await expect.poll(() => select.locator('option:checked').textContent()).toBe('default (refuse)')
    // A reload asks the core again: the default is the core's, not the page's.
    await page().reload()
    await expect.poll(() => page().getByTestId('overflow-policy').locator('option:checked').textContent()).toBe('default (refuse)')
    await page().getByTestId('open-settings').click()
    await page().getByTestId('default-policy-compact').check()
    await page().getByTestId('close-settings').click()
    await expect.poll(() => page().getByTestId('overflow-policy').locator('option:checked').textContent()).toBe('default (compact)')
  })

  it('shows the working folder in the chat head and changes it in place; a folder that does not exist is refused', async () => {
    const folder = page().getByTestId('working-folder')
    await page().getByTestId('working-folder-change').click()
    await page().getByTestId('working-folder-input').fill('/no/such/folder')
    await page().getByTestId('working-folder-save').click()
    await page().getByTestId('error-code').filter({ hasText: 'FILE_NOT_FOUND' }).waitFor()
    await page().getByTestId('working-folder-input').fill(h.modelsFolder)
    await page().getByTestId('working-folder-save').click()
    await expect.poll(() => folder.textContent()).toBe(h.modelsFolder)
  })

  it("lists Pi's sessions by project in the sidebar and opens one in place", async () => {
    const { SessionManager } = await import('@mariozechner/pi-coding-agent')
    const manager = SessionManager.create('/work/gamma', join(dirname(h.modelsFolder), 'pi', 'sessions', '--work-gamma--'))
    manager.appendMessage({ role: 'user', content: 'Hello from Pi', timestamp: 1 })
    manager.appendMessage({ role: 'assistant', content: [{ type: 'text', text: 'Hi from Pi.' }], api: 'openai-completions', provider: 'local', model: 'm', usage, stopReason: 'stop', timestamp: 2 } as never)
    await page().reload()
    const project = page().getByTestId('pi-project')
    await project.filter({ hasText: 'gamma' }).waitFor()
    await project.getByText('Hello from Pi').click()
    await page().locator('[data-role="assistant"]', { hasText: 'Hi from Pi.' }).waitFor()
    expect(await page().getByTestId('working-folder').textContent()).toBe('/work/gamma')
    await h.screenshot('pi-sessions-sidebar')
  })
})
