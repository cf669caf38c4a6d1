import { cp, mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ECHO_SCRIPT, toolScriptText } from '../../src/main/core/gguf-writer/makeToolCallingModel'
import type { TreeNode } from '../../src/shared/treeView'
import type { LoadSettings } from '../../src/shared/types'
import { getToolCallingModelPath } from '../helpers/fixtures'
import { createTestCore, unwrap, type TestCore } from '../helpers/testCore'

const settings: LoadSettings = { contextSize: 2048, sequences: 1, gpuLayers: 0, kvCacheType: 'F16', threads: 1 }
const ANSWER = toolScriptText(ECHO_SCRIPT.answer)
const FIXTURES = join(import.meta.dirname, '../fixtures/extensions/core')

/** A core whose user extension folder holds the named test extensions, with a tool-calling model loaded. */
async function coreWith(extensions: string[], repeat = false): Promise<{ t: TestCore; cleanup(): Promise<void> }> {
  const userFolder = await mkdtemp(join(os.tmpdir(), 'arbor-tools-'))
  for (const name of extensions) await cp(join(FIXTURES, name), join(userFolder, name), { recursive: true })
  const t = await createTestCore({ extensions: { bundledFolder: null, userFolder, watch: false } })
  unwrap(await t.core.request('model.load', { path: await getToolCallingModelPath(repeat), settings }))
  // Tools are off in a session until the user turns them on.
  unwrap(await t.core.request('session.setTools', { enabled: true }))
  return {
    t,
    cleanup: async () => {
      await t.dispose()
      await rm(userFolder, { recursive: true, force: true })
    },
  }
}

const pathTo = (nodes: TreeNode[], leafId: string): TreeNode[] => {
  const byId = new Map(nodes.map((n) => [n.id, n]))
  const path: TreeNode[] = []
  for (let n = byId.get(leafId); n; n = n.parentId === null ? undefined : byId.get(n.parentId)) path.unshift(n)
  return path
}

/**
 * Tools chosen by a model: a generated chain model writes a call in node-llama-cpp's function-calling syntax,
 * node-llama-cpp parses it (grammar from the tool's schema), Arbor runs the extension's tool in its host,
 * stores the call and its result as Pi nodes, and the model goes on after the result.
 */
describe('tool calls', () => {
  describe('with an echo tool', () => {
    let env: Awaited<ReturnType<typeof coreWith>>
    beforeAll(async () => {
      env = await coreWith(['echo-tool'])
    })
    afterAll(() => env.cleanup())

    it('runs the call, stores call and result as nodes, and answers after the result', async () => {
      const { user, assistant } = unwrap(await env.t.core.request('chat.send', { text: 'Say hi through the tool.' }))
      expect(assistant.text).toBe(ANSWER)
      const view = unwrap(await env.t.core.request('app.snapshot', undefined)).session
      const path = pathTo(view.nodes, assistant.id)
      expect(path.map((n) => n.kind)).toEqual(['user', 'assistant', 'toolResult', 'assistant'])
      const [, call, result] = path as [TreeNode, TreeNode, TreeNode, TreeNode]
      expect(path[0]!.id).toBe(user.id)
      expect(call.toolCalls).toEqual([{ id: expect.stringMatching(/^call_/), name: 'echo', arguments: { text: 'hi' } }])
      expect(call.stats).toMatchObject({ stopReason: 'toolUse', generatedTokens: expect.any(Number) })
      expect(call.stats!.generatedTokens).toBeGreaterThan(0)
      expect(result).toMatchObject({ tool: { name: 'echo', isError: false }, text: '{"echoed":"hi"}' })
      expect(view.leafId).toBe(assistant.id)
    })

    it('goes on after the result from the KV cache: only the call and the result are evaluated', async () => {
      unwrap(await env.t.core.request('session.new', undefined))
      unwrap(await env.t.core.request('session.setTools', { enabled: true }))
      const { assistant } = unwrap(await env.t.core.request('chat.send', { text: 'Again, please.' }))
      const view = unwrap(await env.t.core.request('app.snapshot', undefined)).session
      const [, call] = pathTo(view.nodes, assistant.id)
      const first = call!.stats!
      const second = assistant.stats!
      expect(second.promptTokens).toBeGreaterThan(first.promptTokens)
      expect(second.reusedTokens).toBeGreaterThanOrEqual(first.promptTokens - 1)
      expect(second.evaluatedTokens).toBeLessThan(second.promptTokens - first.promptTokens + first.generatedTokens + 2)
    })

    it("shows the context's composition with the tools in it, adding up to the prompt the model read", async () => {
      const view = unwrap(await env.t.core.request('app.snapshot', undefined)).session
      const last = view.nodes.find((n) => n.id === view.leafId)!
      // At the tool result, the context is exactly what the answer after it was generated from.
      const { composition } = unwrap(await env.t.core.request('tree.select', { nodeId: last.parentId }))
      const { systemPromptTokens, toolTokens, historyTokens, templateTokens } = composition!
      expect(toolTokens).toBeGreaterThan(20)
      expect(systemPromptTokens + toolTokens + historyTokens + templateTokens).toBe(last.stats!.promptTokens)
      const list = unwrap(await env.t.core.request('extensions.list', undefined))
      expect(list.find((e) => e.name === 'echo-tool')?.toolTokens).toBe(toolTokens)
    })

    it('writes Pi tool calls and results to the session file, and reads them back', async () => {
      const view = unwrap(await env.t.core.request('app.snapshot', undefined)).session
      const lines = (await readFile(view.summary.path, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { type: string; message?: Record<string, unknown> })
      const messages = lines.filter((l) => l.type === 'message').map((l) => l.message!)
      const assistant = messages.find((m) => m.role === 'assistant' && m.stopReason === 'toolUse')!
      const block = (assistant.content as { type: string; id?: string }[]).find((b) => b.type === 'toolCall')!
      expect(block).toMatchObject({ type: 'toolCall', name: 'echo', arguments: { text: 'hi' } })
      expect(messages.find((m) => m.role === 'toolResult')).toMatchObject({
        toolCallId: block.id,
        toolName: 'echo',
        isError: false,
        content: [{ type: 'text', text: '{"echoed":"hi"}' }],
      })
      const reopened = unwrap(await env.t.core.request('session.open', { path: view.summary.path }))
      expect(reopened.nodes.map((n) => [n.kind, n.text, n.toolCalls?.[0]?.name ?? null])).toEqual(view.nodes.map((n) => [n.kind, n.text, n.toolCalls?.[0]?.name ?? null]))
    })

    it('regenerating the answer after a result continues from the result, not from the question', async () => {
      const view = unwrap(await env.t.core.request('app.snapshot', undefined)).session
      const last = view.nodes.find((n) => n.id === view.leafId)!
      const { assistant } = unwrap(await env.t.core.request('chat.regenerate', { nodeId: last.id }))
      expect(assistant.parentId).toBe(last.parentId)
      expect(assistant.text).toBe(ANSWER)
    })
  })

  /** One turn with these test extensions: the answer and the tool result on its path. */
  const oneTurnWith = async (extensions: string[]): Promise<{ assistant: TreeNode; result: TreeNode }> => {
    const env = await coreWith(extensions)
    try {
      const { assistant } = unwrap(await env.t.core.request('chat.send', { text: 'Say hi.' }))
      const view = unwrap(await env.t.core.request('app.snapshot', undefined)).session
      return { assistant, result: pathTo(view.nodes, assistant.id).find((n) => n.kind === 'toolResult')! }
    } finally {
      await env.cleanup()
    }
  }

  it("a toolCall hook's block becomes the result the model reads, and the turn goes on", async () => {
    const { assistant, result } = await oneTurnWith(['echo-tool', 'tool-guard'])
    expect(result.tool).toEqual({ name: 'echo', isError: true })
    expect(result.text).toBe('Blocked by extension "tool-guard": no echo of {"text":"hi"}')
    expect(assistant.text).toBe(ANSWER)
  })

  it('a toolCall hook that fails blocks the call rather than letting it through', async () => {
    const { result } = await oneTurnWith(['echo-tool', 'broken-guard'])
    expect(result.tool).toEqual({ name: 'echo', isError: true })
    expect(result.text).toMatch(/^Blocked by extension "broken-guard": its toolCall hook failed \(.*guard is confused.*\)/)
  })

  it('a tool that throws gives an error result; the extension is not needed for the answer', async () => {
    const { assistant, result } = await oneTurnWith(['failing-echo'])
    expect(result.tool).toEqual({ name: 'echo', isError: true })
    expect(result.text).toContain('echo is broken today')
    expect(assistant.text).toBe(ANSWER)
  })

  describe('while a tool runs', () => {
    let env: Awaited<ReturnType<typeof coreWith>>
    beforeAll(async () => {
      env = await coreWith(['slow-echo'])
    })
    afterAll(() => env.cleanup())

    /** Sends a message and resolves once the model's call is running (its reply is stored), with the pending send. */
    const sendUntilCalling = async () => {
      env.t.events.length = 0
      const sent = env.t.core.request('chat.send', { text: 'Say hi slowly.' })
      await expect.poll(() => env.t.events.some((e) => e.type === 'chat.turnEnd' && e.node.stats?.stopReason === 'toolUse'), { timeout: 10_000 }).toBe(true)
      // Wrapped: an async function returning the promise itself would wait for it.
      return { sent }
    }

    it('the result goes under the call even when the user moves elsewhere meanwhile', async () => {
      const { sent } = await sendUntilCalling()
      unwrap(await env.t.core.request('tree.select', { nodeId: null }))
      const { assistant } = unwrap(await sent)
      const view = unwrap(await env.t.core.request('app.snapshot', undefined)).session
      expect(pathTo(view.nodes, assistant.id).map((n) => n.kind)).toEqual(['user', 'assistant', 'toolResult', 'assistant'])
      expect(assistant.text).toBe(ANSWER)
    })

    it('Stop ends the turn at once: the call is answered as stopped and nothing generates after it', async () => {
      const { sent } = await sendUntilCalling()
      expect(unwrap(await env.t.core.request('chat.stop', undefined)).stopped).toBe(true)
      const { assistant } = unwrap(await sent)
      expect(assistant.toolCalls?.[0]?.name).toBe('echo')
      const view = unwrap(await env.t.core.request('app.snapshot', undefined)).session
      const result = view.nodes.find((n) => n.parentId === assistant.id)!
      expect(result).toMatchObject({ kind: 'toolResult', tool: { name: 'echo', isError: true }, text: expect.stringContaining('Stopped by the user') })
      expect(view.nodes.some((n) => n.parentId === result.id)).toBe(false)
      expect(view.leafId).toBe(result.id)
      // The last word on the chat is that nothing is generating (memory samples may come after it).
      expect(env.t.events.filter((e) => e.type.startsWith('chat.')).at(-1)?.type).toBe('chat.idle')
    })
  })

  describe('a long tool that listens to the stop', () => {
    let env: Awaited<ReturnType<typeof coreWith>>
    beforeAll(async () => {
      env = await coreWith(['patient-echo'])
    })
    afterAll(() => env.cleanup())

    it('shows its progress in the chat, and stops working within a second of Stop', async () => {
      env.t.events.length = 0
      const sent = env.t.core.request('chat.send', { text: 'Say hi, take your time.' })
      await expect
        .poll(() => env.t.events.find((e) => e.type === 'chat.toolProgress'), { timeout: 10_000 })
        .toMatchObject({ type: 'chat.toolProgress', text: 'echoing hi: half way', callId: expect.stringMatching(/^call_/) })
      const stoppedAt = Date.now()
      expect(unwrap(await env.t.core.request('chat.stop', undefined)).stopped).toBe(true)
      await expect.poll(() => env.t.events.some((e) => e.type === 'extensions.notice' && e.text.startsWith('patient-echo saw the stop')), { timeout: 5000 }).toBe(true)
      expect(Date.now() - stoppedAt).toBeLessThan(1000)
      unwrap(await sent)
      // It stopped because it was told, not because its timeout killed its host.
      const info = unwrap(await env.t.core.request('extensions.list', undefined)).find((e) => e.name === 'patient-echo')!
      expect(info).toMatchObject({ running: true, faults: 0, status: 'enabled' })
    })
  })

  it('a model that never stops calling is stopped after 8 rounds, with a notice', async () => {
    const env = await coreWith(['echo-tool'], true)
    try {
      const { assistant } = unwrap(await env.t.core.request('chat.send', { text: 'Say hi forever.' }))
      const view = unwrap(await env.t.core.request('app.snapshot', undefined)).session
      expect(view.nodes.filter((n) => n.kind === 'toolResult')).toHaveLength(8)
      expect(assistant.toolCalls).toHaveLength(1)
      expect(view.nodes.find((n) => n.id === view.leafId)?.kind).toBe('toolResult')
      expect(env.t.events.some((e) => e.type === 'extensions.notice' && /8 times in a row/.test(e.text))).toBe(true)
    } finally {
      await env.cleanup()
    }
  })
})

describe('tools are off until asked', () => {
  it('a new session offers no tools (nothing in the prompt, the model cannot call one); turned on, it does, and the composition says so', async () => {
    const env = await coreWith(['echo-tool'])
    try {
      unwrap(await env.t.core.request('session.new', undefined))
      const off = unwrap(await env.t.core.request('app.snapshot', undefined)).session
      expect(off.toolsEnabled).toBe(false)
      const plain = unwrap(await env.t.core.request('chat.send', { text: 'Say hi through the tool.' })).assistant
      expect(plain.toolCalls).toBeUndefined()
      const on = unwrap(await env.t.core.request('session.setTools', { enabled: true }))
      expect(on.toolsEnabled).toBe(true)
      await expect.poll(async () => unwrap(await env.t.core.request('app.snapshot', undefined)).session.composition?.toolTokens ?? 0).toBeGreaterThan(0)
      const called = unwrap(await env.t.core.request('chat.send', { text: 'Say hi through the tool.' })).assistant
      expect(called.kind).toBe('assistant')
      const view = unwrap(await env.t.core.request('app.snapshot', undefined)).session
      expect(view.nodes.some((n) => n.toolCalls?.some((c) => c.name === 'echo'))).toBe(true)
      unwrap(await env.t.core.request('session.setTools', { enabled: false }))
      await expect.poll(async () => unwrap(await env.t.core.request('app.snapshot', undefined)).session.composition?.toolTokens).toBe(0)
    } finally {
      await env.cleanup()
    }
  }, 60_000)
})
