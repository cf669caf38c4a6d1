import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { emptyCallContext } from '../../../src/main/core/extensions/emptyCallContext'
import { Extensions } from '../../../src/main/core/extensions/Extensions'
import type { NodeSnapshot } from '../../../src/shared/extensions/ExtensionContext'
import { fixtures } from './fixturePaths'

let extensions: Extensions
let base: string
let work: string
let exports: string
const notes: string[] = []
const path: NodeSnapshot[] = [
  { id: 'u1', parentId: null, kind: 'user', text: 'What is in the notes?' },
  { id: 'a1', parentId: 'u1', kind: 'assistant', text: 'Let me look.' },
  // A command's output that is shown, not sent: not part of the context's history.
  { id: 'c1', parentId: 'a1', kind: 'custom', text: 'a long note '.repeat(50), hidden: true },
]
const ctx = emptyCallContext({
  path,
  systemPrompt: 'You are terse.',
  model: { path: '/m.gguf', fileName: 'm.gguf', name: 'Tiny', architecture: 'llama', parameters: 1e6, trainContextSize: 2048, contextSize: 1000 },
  countTokens: (text) => Math.ceil(text.length / 4),
  // A template that adds 50 tokens of instructions, then 20 per tool.
  toolPromptTokens: (tools) => (tools.length ? 50 + 20 * tools.length : 0),
  notify: (text, extension) => void notes.push(`${extension}: ${text}`),
})

beforeAll(async () => {
  base = await mkdtemp(join(os.tmpdir(), 'arbor-bundled-'))
  work = join(base, 'work')
  exports = join(base, 'exports', 'nested')
  await mkdir(join(work, 'notes'), { recursive: true })
  await writeFile(join(work, 'notes', 'todo.md'), 'buy milk\nfix the roof\ncall Ada\n')
  await writeFile(join(base, 'outside.txt'), 'secret')
  await symlink(join(base, 'outside.txt'), join(work, 'escape.txt'))
  extensions = await Extensions.create({
    bundledFolder: fixtures.bundled,
    workspace: { folder: work, trusted: true },
    settings: { export: { folder: exports }, 'trim-tool-output': { keepTurns: '1', maxChars: '10' } },
  })
}, 20_000)
afterAll(async () => {
  await extensions.dispose()
  await rm(base, { recursive: true, force: true })
})

describe('bundled extensions', () => {
  it('all four load', () => {
    expect(extensions.list().map((i) => [i.name, i.status])).toEqual([
      ['export', 'enabled'],
      ['tokens', 'enabled'],
      ['trim-tool-output', 'enabled'],
      ['workspace', 'enabled'],
    ])
  })

  it('/tokens shows the composition: system prompt, tool instructions, tools per extension, history, total', async () => {
    const result = await extensions.runCommand('tokens', '', ctx)
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.value.text).toMatch(/system prompt\s+4/)
    expect(result.value.text).toMatch(/function-calling instructions\s+50\n/)
    expect(result.value.text).toMatch(/tools of workspace \(3\)\s+60\n/)
    expect(result.value.text).toMatch(/history \(2 messages on the path\)\s+\d+/)
    expect(result.value.text).toMatch(/total\s+\d+\s+of 1000/)
    const noModel = await extensions.runCommand('tokens', '', emptyCallContext())
    expect(noModel.ok && noModel.value.text).toContain('token counts are unknown')
  })

  it('workspace tools read, list and search the folder', async () => {
    expect(await extensions.callTool('read_file', { path: 'notes/todo.md', offset: 2, limit: 1 }, ctx)).toMatchObject({
      ok: true,
      value: { value: expect.stringContaining('fix the roof') },
    })
    expect(await extensions.callTool('list_dir', { path: 'notes' }, ctx)).toMatchObject({ ok: true, value: { value: 'notes/\ntodo.md  31' } })
    expect(await extensions.callTool('search_text', { query: 'Ada' }, ctx)).toMatchObject({ ok: true, value: { value: 'notes/todo.md:3: call Ada' } })
  })

  it('workspace tools cannot leave the folder: not by .., not by a symlink, not by an absolute path', async () => {
    for (const p of ['../outside.txt', 'escape.txt', join(base, 'outside.txt')]) {
      const result = await extensions.callTool('read_file', { path: p }, ctx)
      expect(result.ok).toBe(false)
      // Refused by the tool, by Node's permission model, or not even there inside the OS sandbox.
      if (!result.ok) expect(result.error.message).toMatch(/outside the workspace|denied|ENOENT/)
    }
  })

  it('workspace without a working folder fails with a clear permission error', async () => {
    await extensions.setWorkspace(null)
    expect(extensions.list().find((i) => i.name === 'workspace')).toMatchObject({ status: 'failed', lastError: { code: 'EXTENSION_PERMISSION' } })
    await extensions.setWorkspace({ folder: work, trusted: true })
    expect(extensions.list().find((i) => i.name === 'workspace')!.status).toBe('enabled')
  })

  it('/export writes the path as Markdown, creating its folder, never overwriting', async () => {
    const first = await extensions.runCommand('export', 'chat.md', ctx)
    expect(first).toMatchObject({ ok: true, value: { text: `Exported 3 messages to ${join(exports, 'chat.md')}`, sendToModel: false } })
    await extensions.runCommand('export', 'chat.md', ctx)
    expect((await readdir(exports)).sort()).toEqual(['chat-1.md', 'chat.md'])
    const markdown = await readFile(join(exports, 'chat.md'), 'utf8')
    expect(markdown).toContain('## System prompt\n\nYou are terse.')
    expect(markdown).toContain('## User\n\nWhat is in the notes?\n\n## Assistant\n\nLet me look.')
    expect(extensions.list().find((i) => i.name === 'export')!.permissions[0]).toMatchObject({ permission: { kind: 'fs.write', path: exports }, enforced: true })
  })

  it('trim-tool-output shortens old tool results and reports the saving', async () => {
    notes.length = 0
    const { event, changedBy } = await extensions.runContextHooks(
      {
        systemPrompt: '',
        messages: [
          { role: 'user', text: 'list' },
          { role: 'toolResult', toolName: 'list_dir', text: 'a'.repeat(410) },
          { role: 'assistant', text: 'done' },
          { role: 'user', text: 'again' },
          { role: 'toolResult', toolName: 'list_dir', text: 'b'.repeat(410) },
        ],
      },
      ctx,
    )
    expect(changedBy).toEqual(['trim-tool-output'])
    expect(event.messages[1]!.text).toBe(`${'a'.repeat(10)}… [400 characters trimmed]`)
    expect(event.messages[4]!.text).toBe('b'.repeat(410))
    expect(notes).toEqual(['trim-tool-output: Trimmed 1 old tool result: saved 100 tokens.'])
  })
})
