import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ExtensionCallContext } from '../../../src/main/core/extensions/ExtensionCallContext'
import { emptyCallContext } from '../../../src/main/core/extensions/emptyCallContext'
import { Extensions } from '../../../src/main/core/extensions/Extensions'
import type { ModelInfo, NodeSnapshot } from '../../../src/shared/extensions/ExtensionContext'
import { fixtures } from './fixturePaths'

let extensions: Extensions
const model: ModelInfo = { path: '/m.gguf', fileName: 'm.gguf', name: 'Tiny', architecture: 'llama', parameters: 1e6, trainContextSize: 2048, contextSize: 1024 }
const path: NodeSnapshot[] = [
  { id: 'a', parentId: null, kind: 'user', text: 'hi' },
  { id: 'b', parentId: 'a', kind: 'assistant', text: 'hello' },
]

/** A context whose callbacks record what reaches the core. */
function recordingContext(): { ctx: ExtensionCallContext; notes: string[]; entries: unknown[] } {
  const notes: string[] = []
  const entries: unknown[] = []
  const ctx = emptyCallContext({
    path,
    model,
    tree: () => [...path, { id: 'c', parentId: 'a', kind: 'assistant', text: 'other branch' }],
    notify: (text, extension) => void notes.push(`${extension}: ${text}`),
    appendEntry: (customType, data, extension) => void entries.push({ customType, data, extension }),
    countTokens: (text) => text.split(' ').length,
  })
  return { ctx, notes, entries }
}

beforeAll(async () => {
  extensions = await Extensions.create({ userFolder: fixtures.healthy, settings: { 'api-demo': { greeting: 'Hi' } } })
}, 20_000)
afterAll(() => extensions.dispose())

describe('the extension API through a real host', () => {
  it('lists what the extension registered, with its manifest', () => {
    const [info] = extensions.list()
    expect(info).toMatchObject({ name: 'api-demo', version: '1.2.3', source: 'user', status: 'enabled', running: true, permissions: [] })
    expect(info!.hooks.sort()).toEqual(['context', 'modelLoaded', 'sessionStart', 'toolCall', 'turnEnd'])
    expect(extensions.commands().map((c) => c.name)).toEqual(['greet', 'events', 'tools', 'log'])
    expect(extensions.toolDefinitions()).toEqual([
      expect.objectContaining({ extension: 'api-demo', name: 'echo', parameters: expect.objectContaining({ required: ['text'] }) }),
      expect.objectContaining({ name: 'rm_rf' }),
    ])
  })

  it('a command returns text; notify, appendEntry, countTokens, the tree, path, model and settings reach it', async () => {
    const { ctx, notes, entries } = recordingContext()
    const result = await extensions.runCommand('/greet', 'Ada', ctx)
    expect(result).toEqual({ ok: true, value: { text: 'Hi, Ada! tokens=4 path=2 tree=3 model=Tiny', sendToModel: false, extension: 'api-demo' } })
    expect(notes).toEqual(['api-demo: greeting Ada'])
    expect(entries).toEqual([{ customType: 'api-demo.greeted', data: { who: 'Ada' }, extension: 'api-demo' }])
  })

  it('a command may ask for its output to be sent to the model', async () => {
    expect(await extensions.runCommand('greet', 'send', recordingContext().ctx)).toMatchObject({ ok: true, value: { sendToModel: true } })
  })

  it('an unknown command is COMMAND_NOT_FOUND', async () => {
    expect(await extensions.runCommand('nope', '', emptyCallContext())).toMatchObject({ ok: false, error: { code: 'COMMAND_NOT_FOUND' } })
  })

  it('a tool runs with its arguments; ctx.getTools lists every tool', async () => {
    const ctx = emptyCallContext()
    expect(await extensions.callTool('echo', { text: 'la', times: 3 }, ctx)).toEqual({ ok: true, value: { value: { echoed: 'la la la' }, blocked: null } })
    expect(await extensions.runCommand('tools', '', ctx)).toMatchObject({ ok: true, value: { text: 'api-demo/echo,api-demo/rm_rf' } })
  })

  it('a toolCall hook blocks a call: the reason is the result and the tool does not run', async () => {
    const result = await extensions.callTool('rm_rf', {}, emptyCallContext())
    expect(result).toEqual({
      ok: true,
      value: { value: 'Blocked by extension "api-demo": rm_rf is never allowed', blocked: { extension: 'api-demo', reason: 'rm_rf is never allowed' } },
    })
    expect((await extensions.runToolCallHooks({ name: 'core_tool', args: {} }, emptyCallContext())).blocked).toBeNull()
  })

  it('a context hook replaces the system prompt and the messages', async () => {
    const result = await extensions.runContextHooks(
      { systemPrompt: 'Base.', messages: [{ role: 'user', text: 'keep' }, { role: 'assistant', text: 'SECRET drop me' }] },
      emptyCallContext(),
    )
    expect(result).toEqual({ event: { systemPrompt: 'Base.\n[api-demo was here]', messages: [{ role: 'user', text: 'keep' }] }, changedBy: ['api-demo'], failures: [] })
  })

  it('turnEnd, sessionStart and modelLoaded reach the handlers', async () => {
    const { ctx, notes } = recordingContext()
    await extensions.emit('sessionStart', { sessionId: 's1', file: null, workingFolder: null }, ctx)
    await extensions.emit('modelLoaded', { model }, ctx)
    expect(await extensions.emit('turnEnd', { nodeId: 'n9', text: 'done' }, ctx)).toEqual([])
    expect(await extensions.runCommand('events', '', ctx)).toMatchObject({ ok: true, value: { text: 'sessionStart:s1,modelLoaded:Tiny,turnEnd:n9' } })
    expect(notes).toEqual(['api-demo: session started'])
  })

  it('console output becomes the extension log', async () => {
    await extensions.runCommand('log', '', emptyCallContext())
    const log = extensions.list()[0]!.log
    expect(log.slice(-2).map((l) => [l.level, l.text])).toEqual([
      ['log', 'a log line { n: 1 }'],
      ['error', 'an error line'],
    ])
  })

  it('disable takes its contributions away; enable brings them back', async () => {
    await extensions.disable('api-demo')
    expect(extensions.list()[0]).toMatchObject({ status: 'disabled', running: false })
    expect(extensions.commands()).toEqual([])
    expect(await extensions.runCommand('greet', '', emptyCallContext())).toMatchObject({ ok: false, error: { code: 'COMMAND_NOT_FOUND' } })
    await extensions.enable('api-demo')
    expect(extensions.list()[0]).toMatchObject({ status: 'enabled', running: true })
    expect(await extensions.runCommand('greet', 'again', recordingContext().ctx)).toMatchObject({ ok: true })
  })
})
