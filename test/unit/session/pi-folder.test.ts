import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { SessionManager } from '@mariozechner/pi-coding-agent'
import { afterEach, describe, expect, it } from 'vitest'
import { defaultPiSessionsFolder } from '../../../src/main/core/sessions/PiSessions'
import { createTestCore, unwrap, viewOf, type TestCore } from '../../helpers/testCore'

const usage = { input: 1, output: 1, cacheRead: 0, cacheWrite: 0, totalTokens: 2, cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 } }

/** Pi's own session folder as a source: listed by project, opened and written in place, never copied or tidied. */
describe("Pi's sessions folder", () => {
  let t: TestCore | null = null
  afterEach(async () => {
    await t?.dispose()
    t = null
  })

  it('is where Pi keeps it', () => {
    expect(defaultPiSessionsFolder({})).toBe(join(os.homedir(), '.pi', 'agent', 'sessions'))
    expect(defaultPiSessionsFolder({ PI_CODING_AGENT_DIR: '/opt/pi' })).toBe('/opt/pi/sessions')
  })

  it("lists Pi's sessions by project, opens one in place, and Arbor's writes go into Pi's file", async () => {
    const pi = join(await mkdtemp(join(os.tmpdir(), 'arbor-pi-')), 'sessions')
    // Two projects, as Pi writes them (SessionManager's own folder naming).
    const written: string[] = []
    for (const cwd of ['/work/alpha', '/work/beta']) {
      const manager = SessionManager.create(cwd, join(pi, `--${cwd.slice(1).replace(/\//g, '-')}--`))
      manager.appendMessage({ role: 'user', content: `Hello from ${cwd}`, timestamp: 1 })
      manager.appendMessage({ role: 'assistant', content: [{ type: 'text', text: 'Hi.' }], api: 'openai-completions', provider: 'local', model: 'm', usage, stopReason: 'stop', timestamp: 2 } as never)
      written.push(manager.getSessionFile()!)
    }
    t = await createTestCore({ piSessionsFolder: pi })
    const listed = unwrap(await t.core.request('session.list', undefined)).filter((s) => s.source === 'pi')
    expect(listed.map((s) => [s.project, s.firstMessage]).sort()).toEqual([
      ['/work/alpha', 'Hello from /work/alpha'],
      ['/work/beta', 'Hello from /work/beta'],
    ])
    const alpha = listed.find((s) => s.project === '/work/alpha')!
    expect(alpha.path).toBe(written[0])

    const view = unwrap(await t.core.request('session.open', { path: alpha.path }))
    expect(view.summary.path).toBe(written[0])
    expect(view.cwd).toBe('/work/alpha')
    unwrap(await t.core.request('session.rename', { name: 'Alpha work' }))
    // Written in place: Pi sees the name; nothing was copied into Arbor's folder.
    expect(SessionManager.open(written[0]!, join(pi, 'x')).getSessionName()).toBe('Alpha work')
    expect((await readdir(t.sessionsFolder)).filter((n) => n.includes(view.summary.id))).toEqual([])
    expect((await readFile(written[0]!, 'utf8')).trim().split('\n')).toHaveLength(4)
    // The open one stays listed as Pi's.
    const again = unwrap(await t.core.request('session.list', undefined)).find((s) => s.path === written[0])
    expect(again).toMatchObject({ source: 'pi', project: '/work/alpha', name: 'Alpha work' })
    expect((await viewOf(t)).summary.path).toBe(written[0])
  })

  it('a Pi folder that does not exist lists nothing and is not created', async () => {
    const pi = join(await mkdtemp(join(os.tmpdir(), 'arbor-pi-')), 'missing', 'sessions')
    t = await createTestCore({ piSessionsFolder: pi })
    expect(unwrap(await t.core.request('session.list', undefined)).some((s) => s.source === 'pi')).toBe(false)
    expect(existsSync(pi)).toBe(false)
  })
})
