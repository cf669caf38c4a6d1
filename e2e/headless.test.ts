import { copyFile, readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { DEMO_ANSWER } from '../src/main/core/gguf-writer/makeDemoModel'
import { getDemoModelPath, getShapePath } from '../test/helpers/fixtures'
import { describeInBrowser, dropFile, startHeadless, type Headless } from './browser'

/** The app in Debian's Chromium against headless mode, as a person uses it. */
describeInBrowser('Arbor in a browser (headless mode)', () => {
  let h: Headless
  beforeAll(async () => {
    h = await startHeadless()
    await h.page.goto(h.server.url)
  })
  afterAll(async () => {
    await h?.close()
  })

  const byTestId = (id: string) => h.page.getByTestId(id)
  const textOf = async (id: string) => (await byTestId(id).first().textContent()) ?? ''

  it('opens on a first screen that says what to do', async () => {
    await byTestId('empty-state').waitFor()
    const text = await textOf('empty-state')
    expect(text).toMatch(/drop/i)
    expect(await byTestId('create-demo').isVisible()).toBe(true)
    expect(await byTestId('choose-file').isVisible()).toBe(true)
    expect(await textOf('transport')).toMatch(/headless/i)
    await h.screenshot('01-empty')
  })

  it('in a narrow window the first screen is the model panel, over the chat; Esc closes it', async () => {
    const narrow = await h.browser.newPage({ viewport: { width: 1024, height: 700 } })
    try {
      await narrow.goto(h.server.url)
      await narrow.getByTestId('model-panel').getByTestId('create-demo').waitFor()
      await narrow.screenshot({ path: 'test-results/e2e/01-empty-1024.png' })
      await narrow.keyboard.press('Escape')
      await narrow.getByTestId('model-panel').waitFor({ state: 'detached' })
      // The model bar says where to pick one.
      await narrow.getByTestId('bar-pick-model').click()
      await narrow.getByTestId('model-panel').waitFor()
    } finally {
      await narrow.close()
    }
  })

  it('explains a text file renamed .gguf instead of breaking', async () => {
    await dropFile(h.page, 'notes.gguf', Buffer.from('These are my notes, not a model.\n'))
    await byTestId('error').filter({ hasText: 'GGUF_BAD_MAGIC' }).waitFor()
    expect(await textOf('error')).toMatch(/not a GGUF model file/)
    // Judged from its header in the browser: nothing was uploaded.
    expect(await readdir(h.modelsFolder)).toEqual([])
    await h.screenshot('02-bad-file')
  })

  it('shows the facts and the verdict of a dropped model', async () => {
    await dropFile(h.page, 'demo.gguf', await readFile(await getDemoModelPath()))
    await byTestId('model-facts').waitFor()
    await byTestId('fact-architecture').filter({ hasText: 'llama' }).waitFor()
    expect(await textOf('model-facts')).toMatch(/demo/i)
    await byTestId('verdict').filter({ hasText: /fits/i }).waitFor()
    await byTestId('napkin').waitFor()
    await h.screenshot('03-facts-and-fit')
  })

  it('updates the KV cache figure when the context slider moves', async () => {
    const before = await textOf('kv-bytes')
    const slider = byTestId('context-slider')
    const min = Number(await slider.getAttribute('min'))
    await slider.fill(String(min))
    await h.page.waitForFunction((old) => document.querySelector('[data-testid="kv-bytes"]')?.textContent !== old, before)
    expect(await textOf('kv-bytes')).not.toBe(before)
  })

  it('loads with a progress bar, then shows live memory', async () => {
    await h.page.evaluate(() => {
      const seen: string[] = ((window as unknown as { __progress: string[] }).__progress = [])
      new MutationObserver(() => {
        const bar = document.querySelector('[data-testid="load-progress"]')
        if (bar) seen.push(bar.getAttribute('aria-valuenow') ?? '?')
      }).observe(document.body, { subtree: true, childList: true, attributes: true })
    })
    await byTestId('load-button').click()
    await byTestId('unload-button').waitFor({ timeout: 60_000 })
    const seen = await h.page.evaluate(() => (window as unknown as { __progress: string[] }).__progress)
    expect(seen.length).toBeGreaterThan(0)
    await byTestId('memory-gauge').waitFor()
    await h.page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid="gauge-rss"]')?.textContent ?? ''))
    await h.screenshot('04-loaded')
  })

  it('streams the answer of a message, with its numbers', async () => {
    await h.page.evaluate(() => {
      const lengths: number[] = ((window as unknown as { __lengths: number[] }).__lengths = [])
      new MutationObserver(() => {
        const all = document.querySelectorAll('[data-testid="message"][data-role="assistant"]')
        const last = all[all.length - 1]
        if (last) lengths.push(last.textContent?.length ?? 0)
      }).observe(document.body, { subtree: true, childList: true, characterData: true })
    })
    await byTestId('chat-input').fill('Who are you?')
    await byTestId('send-button').click()
    const assistant = h.page.locator('[data-testid="message"][data-role="assistant"]').last()
    await assistant.filter({ hasText: DEMO_ANSWER }).waitFor()
    await assistant.getByTestId('message-stats').waitFor()
    const stats = (await assistant.getByTestId('message-stats').textContent()) ?? ''
    expect(stats).toMatch(/tok\/s/)
    const lengths = await h.page.evaluate(() => (window as unknown as { __lengths: number[] }).__lengths)
    expect(new Set(lengths).size).toBeGreaterThan(2)
    expect(await textOf('system-prompt-tokens')).toMatch(/\d/)
    await h.screenshot('05-chat')
  })

  it('stops a long answer on Stop', async () => {
    // A model from the models folder, slow enough on two cores (~150 tokens/s) that its ~800-token answer is
    // still being written when Stop is pressed.
    await copyFile(await getShapePath('small'), join(h.modelsFolder, 'small.gguf'))
    await byTestId('model-entry').filter({ hasText: 'small.gguf' }).click()
    await byTestId('verdict').filter({ hasText: /fits/i }).waitFor()
    await byTestId('load-button').click()
    await h.page.waitForFunction(() => document.querySelector('[data-testid="loaded-info"]')?.textContent?.includes('small'), undefined, { timeout: 60_000 })
    // A fresh session: the prompt is fixed, and this random-weight model rambles for hundreds of tokens.
    await byTestId('new-session').click()
    await h.page.waitForFunction(() => document.querySelectorAll('[data-testid="message"]').length === 0)
    await byTestId('chat-input').fill('Keep talking.')
    await byTestId('send-button').click()
    await byTestId('stop-button').click()
    const assistant = h.page.locator('[data-testid="message"][data-role="assistant"]').last()
    await assistant.getByTestId('message-stats').filter({ hasText: /stopped/i }).waitFor()
    await byTestId('send-button').waitFor()
    await h.screenshot('06-stopped')
  })

  it('finds the app still working after a page reload', async () => {
    const messagesBefore = await h.page.locator('[data-testid="message"]').count()
    await h.page.reload()
    await byTestId('unload-button').waitFor()
    await h.page.waitForFunction((n) => document.querySelectorAll('[data-testid="message"]').length === n, messagesBefore)
    await byTestId('chat-input').fill('Still there?')
    await byTestId('send-button').click()
    await h.page.waitForFunction((n) => document.querySelectorAll('[data-testid="message"]').length === n + 2, messagesBefore)
    await h.screenshot('07-after-reload')
  })
})
