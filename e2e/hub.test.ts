import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { FakeHub } from '../test/helpers/fakeHub'
import { getShapePath } from '../test/helpers/fixtures'
import { describeInBrowser, startHeadless, type Headless } from './browser'

/** Getting a model as a newcomer does: search, open a repository, see what fits, download, load. */
describeInBrowser('the Get models dialog', () => {
  const hub = new FakeHub()
  let h: Headless
  beforeAll(async () => {
    const small = readFileSync(await getShapePath('small'))
    const tiny = readFileSync(await getShapePath('tiny'))
    hub.addRepo('arbor-test/Small-GGUF', { 'small.F16.gguf': small, 'small.Q8_0.gguf': tiny }, { downloads: 5120, likes: 12 })
    hub.addRepo('arbor-test/Other-GGUF', { 'other.Q4_K_M.gguf': tiny }, { downloads: 3 })
    h = await startHeadless({ hub: { endpoint: await hub.start() } })
    await h.page.goto(h.server.url)
  }, 120_000)
  afterAll(async () => {
    await h?.close()
    await hub.stop()
  })

  it('searches the Hub, judges each file of a repository before downloading, downloads one with progress, and it loads', async () => {
    const page = h.page
    await page.getByTestId('open-hub').click()
    await page.getByTestId('hub-query').fill('arbor-test')
    await page.getByTestId('hub-search').click()
    const repos = page.getByTestId('hub-repo')
    await expect.poll(() => repos.count()).toBe(2)
    expect(await repos.first().textContent()).toMatch(/arbor-test\/Small-GGUF.*5\.1K downloads · 12 likes · updated 2026-11-30/)
    await h.screenshot('hub-search')
    await repos.first().click()
    const rows = page.getByTestId('hub-file')
    await expect.poll(() => rows.count()).toBe(2)
    // Every file judged from its header, the weights never fetched: a verdict per file, the best one marked.
    await expect.poll(() => page.getByTestId('hub-verdict').count()).toBe(2)
    expect(await rows.nth(1).textContent()).toMatch(/F16.*small\.F16\.gguf.*48\.6 MiB.*Fits in RAM/)
    expect(await page.getByTestId('hub-best').count()).toBe(1)
    expect(await rows.nth(1).getAttribute('data-best')).toBe('true')
    expect(hub.served.get('small.F16.gguf')!).toBeLessThan(6 << 20)
    await h.screenshot('hub-repo-1400x900')
    await page.setViewportSize({ width: 1024, height: 700 })
    await h.screenshot('hub-repo-1024x700')
    await page.setViewportSize({ width: 1400, height: 900 })
    await rows.nth(1).getByTestId('hub-file-download').click()
    const download = page.getByTestId('hub-download')
    await expect.poll(() => download.getAttribute('data-state'), { timeout: 60_000 }).toBe('done')
    expect(await download.textContent()).toMatch(/small\.F16\.gguf: 48\.6 MiB of 48\.6 MiB.*Downloaded and checked/)
    await h.screenshot('hub-downloaded')
    // The downloaded file is the selected model, in the models folder, ready to load.
    await page.getByTestId('close-hub').click()
    await expect.poll(() => page.getByTestId('models').textContent()).toContain('small.F16.gguf')
    // Loaded with two agents: the library remembers it, with those settings.
    await page.getByTestId('sequences-input').fill('2')
    await page.getByTestId('sequences-input').press('Enter')
    await page.getByTestId('load-button').click()
    await page.getByTestId('unload-button').waitFor({ timeout: 60_000 })
    expect(h.core.engine.loaded?.facts.fileName).toBe('small.F16.gguf')
    expect(h.core.engine.loaded?.settings.sequences).toBe(2)
    const row = page.getByTestId('models').getByTestId('model-row')
    await expect.poll(() => row.getByTestId('model-used').textContent()).toBe('used just now')
    expect(await row.getByTestId('model-facts').textContent()).toMatch(/llama · 25\.\dM · F16 · used just now/)
    expect(await row.getByTestId('model-verdict').getAttribute('data-verdict')).toBe('ram')
    await page.getByTestId('models').scrollIntoViewIfNeeded()
    await h.screenshot('model-library')
    await page.setViewportSize({ width: 1024, height: 700 })
    await page.getByTestId('models').scrollIntoViewIfNeeded()
    await h.screenshot('model-library-1024x700')
    await page.setViewportSize({ width: 1400, height: 900 })
    // The loaded model can be neither renamed nor deleted; unloaded, it can, after a confirmation that says what it frees.
    const entry = page.getByTestId('models').getByTestId('model-delete')
    expect(await entry.isDisabled()).toBe(true)
    expect(await row.getByTestId('model-rename').isDisabled()).toBe(true)
    await page.getByTestId('unload-button').click()
    await page.getByTestId('load-button').waitFor()
    await row.getByTestId('model-rename').click()
    await page.getByTestId('model-rename-input').fill('small renamed')
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.getByTestId('models').scrollIntoViewIfNeeded()
    await h.screenshot('model-rename-dark')
    await page.emulateMedia({ colorScheme: 'light' })
    await page.getByTestId('model-rename-input').press('Enter')
    await expect.poll(() => page.getByTestId('models').getByTestId('model-entry').textContent()).toContain('small renamed.gguf')
    expect(existsSync(join(h.modelsFolder, 'small renamed.gguf'))).toBe(true)
    // Picked again, it comes with the settings it was loaded with, not the recommended ones.
    await page.reload()
    await page.getByTestId('models').getByTestId('model-entry').click()
    await expect.poll(() => page.getByTestId('sequences-input').inputValue()).toBe('2')
    await entry.click()
    expect(await page.getByTestId('model-confirm').textContent()).toContain('Delete small renamed.gguf and free 48.6 MiB?')
    await h.screenshot('model-delete-confirm')
    await page.getByTestId('model-delete-confirm').click()
    await expect.poll(() => page.getByTestId('models-empty').count()).toBe(1)
    expect(existsSync(join(h.modelsFolder, 'small renamed.gguf'))).toBe(false)
  }, 180_000)

  it('keeps a Hugging Face token typed in Settings, hidden, for the Hub', async () => {
    const page = h.page
    if ((await page.getByTestId('hub').count()) > 0) await page.getByTestId('close-hub').click()
    await page.getByTestId('open-settings').click()
    const field = page.getByTestId('settings-hf-token')
    expect(await field.getAttribute('type')).toBe('password')
    await field.fill('hf_abc123')
    await field.press('Enter')
    await expect.poll(() => h.core.hub.client().headers.Authorization).toBe('Bearer hf_abc123')
    await h.screenshot('settings-hf-token')
    await field.fill('')
    await field.press('Enter')
    await expect.poll(() => h.core.hub.client().headers.Authorization ?? null).toBe(process.env.HF_TOKEN ? `Bearer ${process.env.HF_TOKEN}` : null)
    await page.getByTestId('close-settings').click()
  })

  it('says what went wrong when the Hub cannot be asked', async () => {
    await hub.stop()
    if ((await h.page.getByTestId('hub').count()) === 0) await h.page.getByTestId('open-hub').click()
    await h.page.getByTestId('hub-query').fill('anything')
    await h.page.getByTestId('hub-search').click()
    await expect.poll(() => h.page.getByTestId('hub-error').textContent()).toMatch(/Could not reach http:\/\/127\.0\.0\.1:\d+/)
  })
})
