import { afterAll, beforeAll, expect, it } from 'vitest'
import { DEMO_ANSWER } from '../src/main/core/gguf-writer/makeDemoModel'
import { getDemoModelPath } from '../test/helpers/fixtures'
import { createTestCore, unwrap, type TestCore } from '../test/helpers/testCore'
import { describeInBrowser, startWithDemoLoaded, type Headless } from './browser'

const KEY = 'peer-key-e2e-42'

/**
 * "Connect to a server…" as a user does it: another Arbor serves the demo model over its OpenAI-compatible API on
 * 127.0.0.1 with a key (the stand-in for a GPU box); the window, with its own model loaded, connects to it.
 */
describeInBrowser('a model served elsewhere, from the window', () => {
  let peer: TestCore
  let h: Headless
  let server: string
  beforeAll(async () => {
    peer = await createTestCore()
    unwrap(await peer.core.request('model.load', { path: await getDemoModelPath(), settings: { contextSize: 2048, sequences: 1, gpuLayers: 0, kvCacheType: 'F16', threads: 1 } }))
    server = (await peer.core.api.start({ port: 0, apiKey: KEY }, false)).baseUrl!.replace(/\/v1$/, '')
    h = await startWithDemoLoaded()
  }, 120_000)
  afterAll(async () => {
    await h?.close()
    await peer?.dispose()
  })

  it('a wrong key says so and keeps the local model; the right one makes the server the engine, counts marked ≈; Disconnect comes back', async () => {
    const page = h.page
    const localName = h.core.engine.loaded!.facts.fileName
    await page.getByTestId('bar-connect').click()
    await page.getByTestId('connect-url').fill(`${server}/v1`)
    await page.getByTestId('connect-key').fill('not-the-key')
    await h.screenshot('connect-dialog')
    await page.getByTestId('connect-submit').click()
    const error = page.getByTestId('connect-error')
    await error.waitFor()
    expect(await error.getAttribute('data-code')).toBe('ENGINE_UNAUTHORIZED')
    expect(await error.textContent()).toMatch(/refused the API key \(401\).*Check the key/)
    expect(await error.textContent()).not.toContain('not-the-key')
    await h.screenshot('connect-refused')
    expect(h.core.engine.loaded?.facts.fileName).toBe(localName)
    await page.getByTestId('connect-key').fill(KEY)
    await page.getByTestId('connect-submit').click()
    await page.getByTestId('connect').waitFor({ state: 'detached' })
    const bar = page.getByTestId('model-bar')
    await expect.poll(() => bar.getByTestId('bar-server').textContent()).toBe(`on ${server.replace('http://', '')}`)
    expect(await bar.getByTestId('bar-model-name').textContent()).toMatch(/^demo-/)
    expect(await bar.getByTestId('unload-button').textContent()).toBe('Disconnect')
    expect(await bar.getByTestId('bar-verdict').count()).toBe(0)
    // Another Arbor has no tokenizer route: every count is an estimate, and says so.
    await expect.poll(() => page.getByTestId('composition-system').textContent()).toMatch(/^≈\d+$/)
    await page.getByTestId('chat-input').fill('Hello from the laptop')
    await page.getByTestId('send-button').click()
    const answer = page.locator('[data-role="assistant"]').last()
    await expect.poll(() => answer.getByTestId('message-text').textContent(), { timeout: 30_000 }).toBe(DEMO_ANSWER)
    await page.getByTestId('send-button').waitFor()
    await h.screenshot('connected-1400x900')
    await page.setViewportSize({ width: 1024, height: 700 })
    await h.screenshot('connected-1024x700')
    await page.setViewportSize({ width: 760, height: 800 })
    await h.screenshot('connected-760x800')
    await page.setViewportSize({ width: 1400, height: 900 })
    // The peer answered it: its API log has the request.
    expect(peer.core.api.log.some((entry) => entry.status === 200)).toBe(true)
    // Opened again: the server is remembered and its key saved (not shown).
    await bar.getByTestId('bar-connect').click()
    expect(await page.getByTestId('connect-url').inputValue()).toBe(server)
    expect(await page.getByTestId('connect-key').inputValue()).toBe('')
    expect(await page.getByTestId('connect-key').getAttribute('placeholder')).toBe('the saved key')
    await page.getByTestId('close-connect').click()
    await bar.getByTestId('unload-button').click()
    await expect.poll(() => bar.getByTestId('bar-server').count()).toBe(0)
    expect(await bar.getByTestId('load-button').textContent()).toBe('Load')
    expect(h.core.engine.remoteConnection).toBeNull()
  }, 120_000)
})
