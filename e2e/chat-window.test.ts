import { existsSync } from 'node:fs'
import { copyFile, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { getMarkdownModelPath, getShapePath } from '../test/helpers/fixtures'
import { describeInBrowser, dropFile, startHeadless, type Headless } from './browser'

const sizes = [
  { name: '1024x700', width: 1024, height: 700 },
  { name: '1440x900', width: 1440, height: 900 },
  { name: '1920x1080', width: 1920, height: 1080 },
] as const

/** The chat as a person uses it: markdown answers, a conversation that follows, a window that fits. */
describeInBrowser('the chat window', () => {
  let h: Headless
  beforeAll(async () => {
    h = await startHeadless()
    await h.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: h.server.url })
    await h.page.goto(h.server.url)
    await dropFile(h.page, 'markdown.gguf', await readFile(await getMarkdownModelPath()))
    await h.page.getByTestId('load-button').click()
    await h.page.getByTestId('unload-button').waitFor({ timeout: 60_000 })
  }, 120_000)
  afterAll(async () => {
    await h?.close()
  })

  const send = async (text: string) => {
    const count = await h.page.getByTestId('message').count()
    await h.page.getByTestId('chat-input').fill(text)
    await h.page.getByTestId('send-button').click()
    await h.page.waitForFunction((n) => document.querySelectorAll('[data-testid="message"]').length >= n + 2, count)
    await h.page.getByTestId('send-button').waitFor()
  }

  it('renders an answer in markdown: heading, emphasis, list, table, highlighted code, a link that opens outside, math', async () => {
    await send('Tell me about oaks.')
    const answer = h.page.locator('[data-role="assistant"]').last()
    expect(await answer.locator('h2').textContent()).toBe('Oak trees')
    expect(await answer.locator('strong').textContent()).toBe('slow')
    expect(await answer.locator('.markdown li').allTextContents()).toEqual(['acorns feed jays', 'bark has tannin'])
    expect(await answer.locator('th').allTextContents()).toEqual(['tree', 'height'])
    expect(await answer.locator('td').allTextContents()).toEqual(['oak', '40 m', 'birch', '25 m'])
    expect(await answer.locator('pre code').textContent()).toBe('const age = rings.length\nconsole.log(age)\n')
    expect(await answer.locator('pre code .hljs-keyword').first().textContent()).toBe('const')
    const link = answer.locator('a', { hasText: 'the oak' })
    expect(await link.getAttribute('href')).toBe('https://en.wikipedia.org/wiki/Oak')
    expect(await link.getAttribute('target')).toBe('_blank')
    expect(await answer.locator('.katex').count()).toBeGreaterThan(0)
    // No markdown syntax left as characters.
    expect(await answer.getByTestId('message-text').textContent()).not.toMatch(/##|\*\*|```|\|---/)
  }, 60_000)

  it('copies a code block, and a whole message as markdown', async () => {
    const answer = h.page.locator('[data-role="assistant"]').last()
    await answer.getByTestId('copy-code').click()
    await answer.getByTestId('copy-code').filter({ hasText: 'Copied' }).waitFor()
    expect(await h.page.evaluate(() => navigator.clipboard.readText())).toBe('const age = rings.length\nconsole.log(age)\n')
    await answer.getByTestId('copy-message').click()
    expect(await h.page.evaluate(() => navigator.clipboard.readText())).toMatch(/^## Oak trees\n\nOaks are \*\*slow\*\*/)
  })

  it('after six turns the latest answer is in view', async () => {
    for (let i = 0; i < 5; i++) await send(`Question ${i + 2}?`)
    const last = h.page.locator('[data-role="assistant"]').last()
    await expect.poll(() => last.evaluate((el) => {
      const box = el.getBoundingClientRect()
      const list = el.closest('[data-testid="messages"]')!.getBoundingClientRect()
      return box.bottom <= list.bottom + 2 && box.bottom > list.top
    })).toBe(true)
  }, 120_000)

  it('a context size typed out of range is corrected in view when the field is left', async () => {
    const input = h.page.getByTestId('context-input')
    const max = Number(await input.getAttribute('max'))
    await input.fill('999999')
    await input.blur()
    await expect.poll(() => input.inputValue()).toBe(String(max))
    expect(Number(await h.page.getByTestId('context-slider').inputValue())).toBe(max)
  })

  it('keys: Ctrl+L focuses the message box; ↑ in an empty box edits the last message sent, beside the original', async () => {
    await h.page.locator('body').click({ position: { x: 2, y: 300 } })
    await h.page.keyboard.press('Control+l')
    expect(await h.page.evaluate(() => document.activeElement?.id)).toBe('chat-input')
    await h.page.keyboard.press('ArrowUp')
    expect(await h.page.getByTestId('chat-input').inputValue()).toBe('Question 6?')
    await h.page.getByTestId('composer-note').filter({ hasText: /new branch beside the original/ }).waitFor()
    await h.page.getByTestId('chat-input').fill('')
  })

  for (const theme of ['light', 'dark'] as const)
    for (const size of sizes)
      it(`fits ${size.name} in ${theme}: no sideways scrolling, Load/Unload in view`, async () => {
        await h.page.emulateMedia({ colorScheme: theme })
        await h.page.setViewportSize({ width: size.width, height: size.height })
        await h.page.waitForTimeout(150)
        const page = await h.page.evaluate(() => ({ ...(({ scrollWidth, scrollHeight }) => ({ scrollWidth, scrollHeight }))(document.documentElement), innerWidth, innerHeight }))
        expect(page.scrollWidth).toBeLessThanOrEqual(page.innerWidth)
        // The page never scrolls as a whole: the panels scroll inside, the header stays.
        const below = await h.page.evaluate(() =>
          Array.from(document.querySelectorAll('body *'))
            .filter((el) => el.getBoundingClientRect().bottom > innerHeight + 1)
            .filter((el) => {
              // Not clipped by a scrolling or clipping box: it makes the page taller.
              for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) if (getComputedStyle(a).overflowY !== 'visible') return false
              return getComputedStyle(el).position !== 'fixed'
            })
            .map((el) => `${el.tagName.toLowerCase()}.${String(el.className).split(' ')[0]}`),
        )
        expect([page.scrollHeight <= page.innerHeight, below]).toEqual([true, []])
        const unload = await h.page.getByTestId('unload-button').boundingBox()
        expect(unload && unload.y >= 0 && unload.y + unload.height <= size.height && unload.x + unload.width <= size.width).toBe(true)
        expect(await h.page.evaluate(() => getComputedStyle(document.body).colorScheme)).toBe(theme)
        await h.page.screenshot({ path: `test-results/e2e/chat-${size.name}-${theme}.png` })
      })

  it('a long prompt shows how far it has been read, then the live speed; Esc stops the answer', async () => {
    await h.page.setViewportSize({ width: 1440, height: 900 })
    await copyFile(await getShapePath('small'), join(h.modelsFolder, 'small.gguf'))
    await h.page.getByTestId('model-entry').filter({ hasText: 'small.gguf' }).click()
    await h.page.getByTestId('bar-model-name').filter({ hasText: 'small.gguf' }).waitFor()
    await h.page.getByTestId('load-button').click()
    await h.page.getByTestId('bar-model-name').filter({ hasText: 'small.gguf' }).waitFor()
    await h.page.getByTestId('unload-button').waitFor({ timeout: 60_000 })
    await h.page.waitForFunction(() => document.querySelector('[data-testid="loaded-info"]')?.textContent?.includes('small.gguf'), undefined, { timeout: 60_000 })
    await h.page.evaluate(() => {
      const seen: string[] = ((window as unknown as { __seen: string[] }).__seen = [])
      new MutationObserver(() => {
        const bar = document.querySelector('[data-testid="prompt-progress"] [role="progressbar"]')
        if (bar) seen.push(bar.getAttribute('aria-label') ?? '')
        if (document.querySelector('[data-testid="live-speed"]')?.textContent?.includes('tok/s')) seen.push('speed')
      }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true })
    })
    // Alt+N (Ctrl/Cmd+N in the desktop app): a new session, so that the prompt is this message alone.
    await h.page.locator('body').click({ position: { x: 2, y: 400 } })
    await h.page.keyboard.press('Alt+n')
    await h.page.waitForFunction(() => document.querySelectorAll('[data-testid="message"]').length === 0)
    await h.page.getByTestId('chat-input').fill('the tree grows tall and old. '.repeat(200))
    await h.page.getByTestId('send-button').click()
    await h.page.waitForFunction(() => (window as unknown as { __seen: string[] }).__seen.includes('speed'), undefined, { timeout: 90_000 })
    const seen = await h.page.evaluate(() => (window as unknown as { __seen: string[] }).__seen)
    expect(seen.find((label) => /^Reading the prompt: [\d,]+ of [\d,]+ tokens$/.test(label))).toBeTruthy()
    await h.page.screenshot({ path: 'test-results/e2e/chat-streaming.png' })
    await h.page.locator('body').click({ position: { x: 2, y: 400 } })
    expect(await h.page.getByTestId('stop-button').count()).toBe(1)
    await h.page.keyboard.press('Escape')
    await h.page.getByTestId('stop-button').waitFor({ state: 'detached', timeout: 30_000 })
    await h.page.locator('[data-role="assistant"]').last().getByTestId('stat-stopReason').filter({ hasText: 'stopped' }).waitFor()
  }, 180_000)

  it('regenerate with the default sampling gives a different sibling; a fixed seed gives the same text again', async () => {
    await h.page.getByTestId('sampling-maxTokens').fill('8')
    const last = () => h.page.locator('[data-role="assistant"]').last()
    const textOfLast = async () => (await last().getByTestId('message-text').textContent()) ?? ''
    const regenerate = async () => {
      const before = await last().getAttribute('data-id')
      await last().getByTestId('regenerate-button').click()
      await h.page.waitForFunction((id) => {
        const nodes = document.querySelectorAll('[data-role="assistant"]')
        const node = nodes[nodes.length - 1]
        return node && node.getAttribute('data-id') !== id && !node.getAttribute('data-id')?.startsWith('pending') && !!node.querySelector('[data-testid="message-stats"]')
      }, before, { timeout: 60_000 })
      await h.page.getByTestId('send-button').waitFor()
      return textOfLast()
    }
    const first = await regenerate()
    const second = await regenerate()
    expect(second).not.toBe(first)
    expect(await last().getByTestId('stat-sampling').textContent()).toMatch(/temp 0\.8 · top-k 40 · top-p 0\.95 · min-p 0\.05/)
    await h.page.getByTestId('sampling-seed').fill('7')
    const seeded = await regenerate()
    expect(await last().getByTestId('stat-seed').textContent()).toMatch(/seed 7$/)
    expect(await regenerate()).toBe(seeded)
    await h.page.screenshot({ path: 'test-results/e2e/chat-sampling.png' })
  }, 180_000)

  it('a reload in the middle of an answer shows the answer so far, and it goes on streaming', async () => {
    await h.page.getByTestId('sampling-maxTokens').fill('')
    await h.page.getByTestId('chat-input').fill('Go on for a while.')
    await h.page.getByTestId('send-button').click()
    await h.page.waitForFunction(() => /\d+ tokens/.test(document.querySelector('[data-testid="live-speed"]')?.textContent ?? ''), undefined, { timeout: 60_000 })
    await h.page.reload()
    const writing = h.page.locator('[data-role="assistant"]').last()
    await writing.getByTestId('live-speed').waitFor({ timeout: 30_000 })
    const length = async () => ((await writing.getByTestId('message-text').textContent()) ?? '').length
    const first = await length()
    expect(first).toBeGreaterThan(0)
    await expect.poll(length, { timeout: 30_000 }).toBeGreaterThan(first)
    await h.page.getByTestId('stop-button').click()
    await h.page.getByTestId('stop-button').waitFor({ state: 'detached', timeout: 30_000 })
  }, 180_000)

  it('✕ deletes a session with Undo for a few seconds, then its file goes', async () => {
    const entry = () => h.page.getByTestId('session-entry').filter({ hasText: 'Tell me about oaks.' })
    const path = await entry().getAttribute('data-path')
    await entry().getByTestId('delete-session').click()
    await h.page.getByTestId('delete-toast').filter({ hasText: 'Tell me about oaks.' }).waitFor()
    expect(await entry().count()).toBe(0)
    await h.page.getByTestId('undo-delete').click()
    await entry().waitFor()
    expect(existsSync(path!)).toBe(true)
    await entry().getByTestId('delete-session').click()
    await h.page.getByTestId('delete-toast').waitFor({ state: 'detached', timeout: 15_000 })
    expect(existsSync(path!)).toBe(false)
    expect(await entry().count()).toBe(0)
  }, 60_000)
})

