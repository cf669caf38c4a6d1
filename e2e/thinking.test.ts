import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { THINKING_ANSWER } from '../src/main/core/gguf-writer/makeThinkingModel'
import { getThinkingModelPath } from '../test/helpers/fixtures'
import { describeInBrowser, dropFile, startHeadless, type Headless } from './browser'

/**
 * A model that thinks before it answers, seen while it streams. The page's socket runs through Playwright, which
 * holds every frame from the answer's first text on: the window shows the moment between thinking and answering.
 */
describeInBrowser('thinking while it streams', () => {
  let h: Headless
  let holding = false
  const held: (() => void)[] = []
  beforeAll(async () => {
    h = await startHeadless()
    await h.page.routeWebSocket(/.*/, (ws) => {
      const server = ws.connectToServer()
      server.onMessage((message) => {
        if (holding && (held.length > 0 || String(message).includes('"chat.token"'))) held.push(() => ws.send(message))
        else ws.send(message)
      })
      ws.onMessage((message) => server.send(message))
    })
    await h.page.goto(h.server.url)
    await dropFile(h.page, 'thinking.gguf', await readFile(await getThinkingModelPath()))
    await h.page.getByTestId('load-button').click()
    await h.page.getByTestId('unload-button').waitFor({ timeout: 60_000 })
  }, 120_000)
  afterAll(async () => {
    await h?.close()
  })

  it('shows the thinking open as it is written, then folded under its size once the answer comes', async () => {
    const page = h.page
    holding = true
    await page.getByTestId('chat-input').fill('hi')
    await page.getByTestId('send-button').click()
    const thinking = page.locator('[data-role="assistant"]').last().getByTestId('thinking')
    await thinking.and(page.locator('[data-live]')).waitFor({ timeout: 30_000 })
    expect(await thinking.locator('summary').textContent()).toBe('Thinking… (7 words)')
    expect(await thinking.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true)
    expect(await thinking.locator('.thinking-text').textContent()).toBe('The user says hello. I greet back.')
    await h.screenshot('thinking-live')
    holding = false
    for (const send of held.splice(0)) send()
    const answer = page.locator('[data-role="assistant"]').last()
    await expect.poll(() => answer.getByTestId('message-text').textContent(), { timeout: 30_000 }).toContain(THINKING_ANSWER)
    await expect.poll(() => thinking.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false)
    expect(await thinking.locator('summary').textContent()).toBe('Thinking (7 words)')
    await h.screenshot('thinking-done')
  }, 60_000)
})
