import { cp, mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { ECHO_SCRIPT, toolScriptText } from '../src/main/core/gguf-writer/makeToolCallingModel'
import { getToolCallingModelPath } from '../test/helpers/fixtures'
import { describeInBrowser, dropFile, startHeadless, type Headless } from './browser'

/** A model calls an extension's tool in Chromium: the call, its result and the answer after it are shown. */
describeInBrowser('tool calls in a browser', () => {
  let h: Headless
  let userFolder: string
  beforeAll(async () => {
    userFolder = await mkdtemp(join(os.tmpdir(), 'arbor-e2e-tools-'))
    await cp(join(import.meta.dirname, '../test/fixtures/extensions/core/echo-tool'), join(userFolder, 'echo-tool'), { recursive: true })
    h = await startHeadless({ extensions: { bundledFolder: null, userFolder, watch: false } })
    await h.page.goto(h.server.url)
    await dropFile(h.page, 'tool-caller.gguf', await readFile(await getToolCallingModelPath()))
    await h.page.getByTestId('verdict').filter({ hasText: /fits/i }).waitFor()
    await h.page.getByTestId('load-button').click()
    await h.page.getByTestId('unload-button').waitFor({ timeout: 60_000 })
  })
  afterAll(async () => {
    await h?.close()
    await rm(userFolder, { recursive: true, force: true })
  })

  it('shows the call with its arguments, the result, and the answer written after it', async () => {
    const page = h.page
    // Tools are off in a session until asked for: one click in the composition bar.
    await page.getByTestId('tools-toggle').filter({ hasText: /Tools off · turn on \(1\)/ }).click()
    await page.getByTestId('tools-toggle').filter({ hasText: 'Tools on' }).waitFor()
    await page.getByTestId('composition-tools').waitFor()
    await page.getByTestId('chat-input').fill('Say hi through the tool.')
    await page.getByTestId('send-button').click()
    const messages = page.getByTestId('message')
    await messages.filter({ hasText: toolScriptText(ECHO_SCRIPT.answer) }).waitFor()
    expect(await messages.evaluateAll((els) => els.map((e) => e.getAttribute('data-role')))).toEqual(['user', 'assistant', 'toolResult', 'assistant'])
    const call = page.getByTestId('tool-call')
    expect(await call.getAttribute('data-tool')).toBe('echo')
    expect(await call.getByTestId('tool-call-name').textContent()).toBe('echo')
    expect(await call.getByTestId('tool-call-args').textContent()).toBe(JSON.stringify({ text: 'hi' }, null, 2))
    const result = messages.nth(2)
    expect(await result.getByTestId('tool-result-name').textContent()).toBe('echo')
    expect(await result.getByTestId('message-text').textContent()).toBe('{"echoed":"hi"}')
    // The turn is over (no Stop button) and the conversation can go on.
    await page.getByTestId('send-button').waitFor()
    expect(await page.getByTestId('chat-input').isEnabled()).toBe(true)
    await h.screenshot('tools-01-call-and-result')
  })
})
