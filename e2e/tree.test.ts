import { afterAll, beforeAll, expect, it } from 'vitest'
import { DEMO_ANSWER } from '../src/main/core/gguf-writer/makeDemoModel'
import { describeInBrowser, dropFile, startWithDemoLoaded, type Headless } from './browser'

/** The conversation tree in Chromium: build it by chatting, move, organise, reload, import. */
describeInBrowser('conversation tree in a browser', () => {
  let h: Headless
  beforeAll(async () => {
    h = await startWithDemoLoaded()
    await h.page.getByTestId('view-split').click()
  })
  afterAll(async () => {
    await h?.close()
  })

  const page = () => h.page
  const messages = () => page().getByTestId('message')
  const treeNodes = () => page().getByTestId('tree-node')
  const waitIdle = () => page().getByTestId('send-button').waitFor()
  const currentId = () => page().locator('[data-testid="tree-node"].is-current').getAttribute('data-id')
  const nodeCount = (n: number) => page().waitForFunction((n) => document.querySelectorAll('[data-testid="tree-node"]').length === n, n)

  it('builds a tree by chatting, regenerating and editing', async () => {
    await page().getByTestId('chat-input').fill('What is a tree?')
    await page().getByTestId('send-button').click()
    await messages().filter({ hasText: DEMO_ANSWER }).waitFor()
    await waitIdle()
    // Regenerate: a sibling answer, stepped with ‹ 2/2 ›.
    await messages().last().getByTestId('regenerate-button').click()
    await messages().last().getByTestId('sibling-position').filter({ hasText: '2/2' }).waitFor()
    await waitIdle()
    // Edit the question: a sibling question with its own answer.
    await messages().first().getByTestId('edit-button').click()
    await page().getByTestId('edit-input').fill('What is a forest?')
    await page().getByTestId('edit-save').click()
    await messages().first().filter({ hasText: 'What is a forest?' }).waitFor()
    await messages().first().getByTestId('sibling-position').filter({ hasText: '2/2' }).waitFor()
    await waitIdle()
    await nodeCount(5)
    await h.screenshot('tree-01-built')
  })

  it('moves when a node is clicked, and the chat follows', async () => {
    const firstQuestion = treeNodes().filter({ hasText: 'What is a tree?' })
    const answerUnderIt = page().locator(`[data-testid="tree-node"][data-kind="assistant"]`).first()
    await answerUnderIt.click()
    await page().waitForFunction(() => document.querySelector('[data-testid="message"]')?.textContent?.includes('What is a tree?'))
    expect(await messages().count()).toBe(2)
    expect(await currentId()).toBe(await answerUnderIt.getAttribute('data-id'))
    // Pi's rule: clicking a user message moves to its parent. The draft being typed stays what it is.
    await page().getByTestId('chat-input').fill('my unsent thought')
    await firstQuestion.click()
    await page().waitForFunction(() => document.querySelectorAll('[data-testid="message"]').length === 0)
    expect(await page().getByTestId('chat-input').inputValue()).toBe('my unsent thought')
    // "Edit in composer" puts its text there to branch from it; moving on gives the typed draft back.
    await page().getByTestId('edit-in-composer').click()
    expect(await page().getByTestId('chat-input').inputValue()).toBe('What is a tree?')
    await answerUnderIt.click()
    await page().waitForFunction(() => (document.querySelector('[data-testid="chat-input"]') as HTMLTextAreaElement | null)?.value === 'my unsent thought')
    await page().getByTestId('chat-input').fill('')
    await firstQuestion.click()
    await page().waitForFunction(() => document.querySelectorAll('[data-testid="message"]').length === 0)
    await page().getByTestId('edit-in-composer').click()
    expect(await page().getByTestId('chat-input').inputValue()).toBe('What is a tree?')
  })

  it('navigates with the keyboard', async () => {
    const answer = page().locator(`[data-testid="tree-node"][data-kind="assistant"]`).first()
    await answer.click()
    const answerId = await answer.getAttribute('data-id')
    await page().getByTestId('chat-input').fill('')
    await page().locator('body').click({ position: { x: 5, y: 5 } })
    await page().keyboard.press('Alt+ArrowRight')
    await page().waitForFunction((id) => document.querySelector('[data-testid="tree-node"].is-current')?.getAttribute('data-id') !== id, answerId)
    const sibling = await currentId()
    expect(sibling).not.toBe(answerId)
    await page().keyboard.press('Alt+ArrowLeft')
    await page().waitForFunction((id) => document.querySelector('[data-testid="tree-node"].is-current')?.getAttribute('data-id') === id, answerId)
    await page().keyboard.press('Alt+Backspace')
    await page().waitForFunction((id) => document.querySelector('[data-testid="tree-node"].is-current')?.getAttribute('data-id') === id, sibling)
  })

  it('labels, prunes and undoes', async () => {
    const answer = page().locator(`[data-testid="tree-node"][data-kind="assistant"]`).first()
    await answer.click()
    const toolbar = page().getByTestId('node-toolbar')
    await toolbar.getByTestId('label-button').click()
    await toolbar.getByTestId('label-input').fill('keep this')
    await toolbar.getByTestId('label-save').click()
    await answer.getByTestId('node-label').filter({ hasText: 'keep this' }).waitFor()

    const question = treeNodes().filter({ hasText: 'What is a forest?' })
    await question.click()
    await page().locator(`[data-testid="tree-node"][data-id="${await question.getAttribute('data-id')}"]`).waitFor()
    const forestId = await question.getAttribute('data-id')
    await page().locator(`[data-testid="tree-node"][data-id="${forestId}"]`).click()
    await toolbar.getByTestId('prune-button').click()
    const confirm = toolbar.getByTestId('prune-confirm')
    if (await confirm.isVisible().catch(() => false)) await confirm.click()
    await nodeCount(3)
    // The toast with Undo is out of the composer's way.
    const toast = await page().getByTestId('prune-toast').boundingBox()
    const send = await page().getByTestId('send-button').boundingBox()
    expect(toast && send && (toast.y + toast.height <= send.y || toast.x + toast.width <= send.x || send.x + send.width <= toast.x)).toBe(true)
    await page().getByTestId('undo-button').first().click()
    await nodeCount(5)
    await h.screenshot('tree-02-labelled')
  })

  it('finds the same tree after a reload', async () => {
    await page().reload()
    await page().getByTestId('unload-button').waitFor()
    await nodeCount(5)
    await page().getByTestId('node-label').filter({ hasText: 'keep this' }).waitFor()
  })

  it('opens a Pi session file dropped on the window', async () => {
    const t = '2025-06-01T10:00:00.000Z'
    const usage = { input: 1, output: 1, cacheRead: 0, cacheWrite: 0, totalTokens: 2, cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 } }
    const assistant = (text: string) => ({ role: 'assistant', content: [{ type: 'text', text }], api: 'anthropic-messages', provider: 'anthropic', model: 'x', usage, stopReason: 'stop', timestamp: 2 })
    const lines = [
      { type: 'session', version: 3, id: 'pi-session', timestamp: t, cwd: '/home/pi' },
      { type: 'message', id: 'a0000001', parentId: null, timestamp: t, message: { role: 'user', content: 'Refactor the parser', timestamp: 1 } },
      { type: 'message', id: 'a0000002', parentId: 'a0000001', timestamp: t, message: assistant('Plan A: split the lexer') },
      { type: 'message', id: 'a0000003', parentId: 'a0000001', timestamp: t, message: assistant('Plan B: a new grammar') },
      { type: 'label', id: 'a0000004', parentId: 'a0000003', timestamp: t, targetId: 'a0000003', label: 'chosen' },
      { type: 'thinking_level_change', id: 'a0000005', parentId: 'a0000004', timestamp: t, thinkingLevel: 'high' },
    ]
    await dropFile(page(), 'from-pi.jsonl', Buffer.from(lines.map((l) => JSON.stringify(l)).join('\n') + '\n'))
    await page().waitForFunction(() => document.querySelector('[data-testid="tree-node"][data-id="a0000003"]') !== null)
    await nodeCount(3)
    await page().locator('[data-testid="tree-node"][data-id="a0000003"]').getByTestId('node-label').filter({ hasText: 'chosen' }).waitFor()
    expect(await page().getByTestId('session-entry').count()).toBeGreaterThanOrEqual(2)
    await h.screenshot('tree-03-pi-session')
  })

  it('shows a Pi session’s thinking folded and its tool calls as cards, the result cut at 20 lines', async () => {
    const t = '2025-06-01T11:00:00.000Z'
    const usage = { input: 1, output: 1, cacheRead: 0, cacheWrite: 0, totalTokens: 2, cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 } }
    const output = Array.from({ length: 45 }, (_, i) => `src/file-${i}.ts`).join('\n')
    const lines = [
      { type: 'session', version: 3, id: 'pi-tools', timestamp: t, cwd: '/home/pi' },
      { type: 'message', id: 'b0000001', parentId: null, timestamp: t, message: { role: 'user', content: 'List the sources', timestamp: 1 } },
      {
        type: 'message',
        id: 'b0000002',
        parentId: 'b0000001',
        timestamp: t,
        message: {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'The user wants the files; bash with find is enough.' },
            { type: 'toolCall', id: 'call_1', name: 'bash', arguments: { command: 'find src -name "*.ts"', timeout: 30 } },
          ],
          api: 'anthropic-messages',
          provider: 'anthropic',
          model: 'x',
          usage,
          stopReason: 'toolUse',
          timestamp: 2,
        },
      },
      { type: 'message', id: 'b0000003', parentId: 'b0000002', timestamp: t, message: { role: 'toolResult', toolCallId: 'call_1', toolName: 'bash', content: [{ type: 'text', text: output }], isError: false, timestamp: 3 } },
    ]
    await dropFile(page(), 'pi-tools.jsonl', Buffer.from(lines.map((l) => JSON.stringify(l)).join('\n') + '\n'))
    await page().locator('[data-testid="message"][data-id="b0000003"]').waitFor()
    const call = page().locator('[data-testid="message"][data-id="b0000002"]')
    expect(await call.getByTestId('tool-call-name').textContent()).toBe('bash')
    // The name on one line, not a letter per line; the arguments indented JSON.
    expect(await call.getByTestId('tool-call-name').evaluate((el) => el.getBoundingClientRect().height)).toBeLessThan(24)
    expect(await call.getByTestId('tool-call-args').textContent()).toBe(JSON.stringify({ command: 'find src -name "*.ts"', timeout: 30 }, null, 2))
    const thinking = call.getByTestId('thinking')
    expect(await thinking.evaluate((el) => (el as HTMLDetailsElement).open)).toBe(false)
    expect(await thinking.locator('summary').textContent()).toBe('Thinking (10 words)')
    const result = page().locator('[data-testid="message"][data-id="b0000003"]')
    expect((await result.getByTestId('tool-result-text').textContent())!.split('\n')).toHaveLength(20)
    await result.getByTestId('show-more').click()
    expect((await result.getByTestId('tool-result-text').textContent())!.split('\n')).toHaveLength(45)
    await h.screenshot('tree-04-pi-tools')
  })
})
