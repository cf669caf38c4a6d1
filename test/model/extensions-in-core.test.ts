import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_ANSWER } from '../../src/main/core/gguf-writer/makeDemoModel'
import type { LoadSettings } from '../../src/shared/types'
import { getDemoModelPath } from '../helpers/fixtures'
import { piSends } from '../helpers/piContext'
import { createTestCore, unwrap, type TestCore } from '../helpers/testCore'

const settings: LoadSettings = { contextSize: 1024, sequences: 1, gpuLayers: 0, kvCacheType: 'F16', threads: 1 }

/** Extensions through the real core and a real model: hooks change what is evaluated; commands cost nothing. */
describe('extensions in the core', () => {
  let plain: TestCore
  let extended: TestCore
  let userFolder: string
  beforeAll(async () => {
    userFolder = await mkdtemp(join(os.tmpdir(), 'arbor-ext-user-'))
    await cp(join(import.meta.dirname, '../fixtures/extensions/core/context-override'), join(userFolder, 'context-override'), { recursive: true })
    plain = await createTestCore()
    extended = await createTestCore({ extensions: { bundledFolder: null, userFolder, watch: false } })
    for (const t of [plain, extended]) unwrap(await t.core.request('model.load', { path: await getDemoModelPath(), settings }))
  })
  afterAll(async () => {
    await plain.dispose()
    await extended.dispose()
    await rm(userFolder, { recursive: true, force: true })
  })

  it("evaluates what a context hook returned, not the conversation", async () => {
    // Reference: exactly the replacement, sent without extensions.
    unwrap(await plain.core.request('chat.setSystemPrompt', { text: 'Short.' }))
    const reference = unwrap(await plain.core.request('chat.send', { text: 'Only this.' })).assistant.stats!
    const list = unwrap(await extended.core.request('extensions.list', undefined))
    expect(list.find((e) => e.name === 'context-override')).toMatchObject({ status: 'enabled', hooks: ['context'], toolTokens: 0 })
    const long = 'A much longer question about trees, branches, roots and leaves, with many more tokens in it. '.repeat(4)
    const turn = unwrap(await extended.core.request('chat.send', { text: long }))
    expect(turn.assistant.text).toBe(DEMO_ANSWER)
    expect(turn.assistant.stats!.promptTokens).toBe(reference.promptTokens)
  })

  it('runs a command with zero tokens: a node is added, the model is not called', async () => {
    extended.events.length = 0
    const { node, sentToModel } = unwrap(await extended.core.request('chat.command', { text: '/note' }))
    expect(node).toMatchObject({ kind: 'custom', text: 'a note' })
    expect(sentToModel).toBe(false)
    expect(extended.events.some((e) => e.type === 'chat.turnStart' || e.type === 'chat.token')).toBe(false)
    const view = unwrap(await extended.core.request('app.snapshot', undefined)).session
    expect(view.leafId).toBe(node.id)
    // Stored as a `custom` entry, which the real Pi does not send either (it sends every `custom`-role message).
    const line = (await readFile(view.summary.path, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { id: string; type: string; customType?: string }).find((e) => e.id === node.id)
    expect(line).toMatchObject({ type: 'custom', customType: 'arbor.command', data: { text: 'a note', command: '/note' } })
    expect(piSends(view.summary.path).map((m) => m.text)).not.toContain('a note')
  })

  it('a disabled extension no longer changes the context', async () => {
    unwrap(await extended.core.request('extensions.setEnabled', { name: 'context-override', enabled: false }))
    unwrap(await extended.core.request('session.new', undefined))
    const turn = unwrap(await extended.core.request('chat.send', { text: 'Only this.' }))
    const withDefaultPrompt = unwrap(await plain.core.request('session.new', undefined))
    expect(withDefaultPrompt.systemPrompt).not.toBe('Short.')
    // Default system prompt again: more tokens than with 'Short.'.
    const reference = unwrap(await plain.core.request('chat.send', { text: 'Only this.' })).assistant.stats!
    expect(turn.assistant.stats!.promptTokens).toBe(reference.promptTokens)
  })

  it('says when the file of extension choices cannot be read, and keeps a copy of it', async () => {
    const folder = await mkdtemp(join(os.tmpdir(), 'arbor-ext-state-'))
    const file = join(folder, 'extensions.json')
    await writeFile(file, '{ "disabled": [ not json')
    const t = await createTestCore({ extensions: { bundledFolder: null, userFolder, watch: false }, extensionStateFile: file })
    try {
      const { extensionsWarning } = unwrap(await t.core.request('app.snapshot', undefined))
      expect(extensionsWarning).toMatch(/extensions\.json/)
      expect(await readFile(`${file}.bak`, 'utf8')).toBe('{ "disabled": [ not json')
    } finally {
      await t.dispose()
      await rm(folder, { recursive: true, force: true })
    }
  })

  it('a session at the home folder gives the bundled workspace tools no folder: home is not a project', async () => {
    const folder = await mkdtemp(join(os.tmpdir(), 'arbor-home-session-'))
    const t = await createTestCore({ extensions: { bundledFolder: join(import.meta.dirname, '../../resources/extensions'), watch: false } })
    try {
      const atHome = join(folder, 'at-home.jsonl')
      await writeFile(atHome, `${JSON.stringify({ type: 'session', version: 3, id: 'home-1', timestamp: new Date().toISOString(), cwd: os.homedir() })}\n`)
      unwrap(await t.core.request('session.open', { path: atHome }))
      await expect
        .poll(async () => unwrap(await t.core.request('extensions.list', undefined)).find((e) => e.name === 'workspace')?.status, { timeout: 10_000 })
        .toBe('failed')
      const workspace = unwrap(await t.core.request('extensions.list', undefined)).find((e) => e.name === 'workspace')!
      expect(workspace.lastError?.message).toMatch(/needs the setting "root"/)
      expect(workspace.permissions).toEqual([])
      // Only declared settings: "workspace" is Arbor's to say, not a setting that could widen the grant.
      const widened = await t.core.request('extensions.setSettings', { name: 'workspace', settings: { workspace: '/' } })
      expect(widened.ok ? 'ok' : widened.error.message).toBe('workspace has no setting "workspace".')
      // The declared one gives the tools their folder.
      const given = unwrap(await t.core.request('extensions.setSettings', { name: 'workspace', settings: { root: folder } }))
      expect(given.find((e) => e.name === 'workspace')).toMatchObject({ status: 'enabled', permissions: [{ permission: { kind: 'fs.read', path: folder } }] })
    } finally {
      await t.dispose()
      await rm(folder, { recursive: true, force: true })
    }
  })

  it('an unknown command is a clear error', async () => {
    const r = await extended.core.request('chat.command', { text: '/nope' })
    expect(r.ok ? 'ok' : r.error.code).toBe('COMMAND_NOT_FOUND')
  })
})
