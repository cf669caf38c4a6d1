import { createServer } from 'node:net'
import OpenAI from 'openai'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { DEMO_ANSWER } from '../src/main/core/gguf-writer/makeDemoModel'
import { describeInBrowser, startWithDemoLoaded, type Headless } from './browser'

/** A port no one listens on now. */
const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })

/** The API server as a user runs it from the window: start it, point Pi at it, watch the requests come in. */
describeInBrowser('the API server dialog', () => {
  let h: Headless
  beforeAll(async () => {
    h = await startWithDemoLoaded()
  }, 120_000)
  afterAll(async () => {
    await h?.close()
  })

  it("starts on the chosen port, shows the base URL and Pi's entry, logs a client's request live, and stops", async () => {
    const page = h.page
    const port = await freePort()
    await page.getByTestId('open-server').click()
    const dialog = page.getByTestId('server')
    expect(await dialog.getByTestId('server-state').textContent()).toBe('Stopped')
    await page.getByTestId('server-port').fill(String(port))
    await page.getByTestId('server-start').click()
    await expect.poll(() => dialog.getByTestId('server-state').textContent()).toBe('Running')
    const baseURL = `http://127.0.0.1:${port}/v1`
    expect(await dialog.getByTestId('server-url').textContent()).toBe(baseURL)
    const snippet = JSON.parse((await dialog.getByTestId('pi-snippet').textContent())!) as { providers: { arbor: { baseUrl: string; api: string; compat: object; models: { id: string; contextWindow: number }[] } } }
    expect(snippet.providers.arbor).toMatchObject({ baseUrl: baseURL, api: 'openai-completions', compat: { supportsDeveloperRole: false, supportsReasoningEffort: false } })
    expect(snippet.providers.arbor.models[0]).toMatchObject({ id: 'arbor-demo', contextWindow: 4096 })
    expect(await dialog.getByTestId('server-log-empty').count()).toBe(1)
    // A client, while the dialog is open: its request appears in the log with its tokens.
    const client = new OpenAI({ baseURL, apiKey: 'unused', maxRetries: 0 })
    const answer = await client.chat.completions.create({ model: 'arbor-demo', messages: [{ role: 'user', content: 'Hello' }], temperature: 0 })
    expect(answer.choices[0]!.message.content).toBe(DEMO_ANSWER)
    const row = dialog.getByTestId('server-log-row').first()
    await row.waitFor()
    expect(await row.textContent()).toMatch(/default|127\.0\.0\.1/)
    expect(await row.locator('td').nth(2).textContent()).toBe('200')
    expect(Number(await row.locator('td').nth(3).textContent())).toBe(answer.usage!.prompt_tokens)
    await h.screenshot('api-server-running')
    await page.setViewportSize({ width: 1024, height: 700 })
    await h.screenshot('api-server-1024x700')
    await page.setViewportSize({ width: 1400, height: 900 })
    // The header says it runs; closing and reopening keeps it.
    await page.getByTestId('close-server').click()
    expect(await page.getByTestId('open-server').locator('.status-dot').count()).toBe(1)
    await page.getByTestId('open-server').click()
    await page.getByTestId('server-stop').click()
    await expect.poll(() => dialog.getByTestId('server-state').textContent()).toBe('Stopped')
    expect(await client.models.list().then(() => 'answered', () => 'refused')).toBe('refused')
  })

  it('says why it cannot start on a port another program has', async () => {
    const busy = createServer().listen(0, '127.0.0.1')
    await new Promise((r) => busy.once('listening', r))
    const port = (busy.address() as { port: number }).port
    try {
      await h.page.getByTestId('server-port').fill(String(port))
      await h.page.getByTestId('server-start').click()
      await expect.poll(() => h.page.getByTestId('server-error').textContent()).toMatch(new RegExp(`Another program listens on 127\\.0\\.0\\.1:${port}`))
      expect(await h.page.getByTestId('server-state').textContent()).toBe('Stopped')
    } finally {
      busy.close()
    }
  })
})
