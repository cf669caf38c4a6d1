import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { findOsSandbox } from '../../../src/main/core/extensions/osSandbox'
import { runExtCheck } from '../../../src/main/cli/runExtCheck'
import { runExtRun } from '../../../src/main/cli/runExtRun'
import { measureExtensionHost } from '../../../src/main/core/extensions/measureExtensionHost'
import { fixtures } from './fixturePaths'

const demo = join(fixtures.healthy, 'api-demo')

/** Runs `fn` with console.log and console.error captured. */
async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = []
  const err: string[] = []
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')))
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')))
  const code = await fn()
  return { code, out: out.join('\n'), err: err.join('\n') }
}

afterEach(() => vi.restoreAllMocks())

describe('arbor ext', () => {
  it('check prints manifest, permissions, tools with their token cost, commands and hooks', async () => {
    // A template that adds 10 tokens of instructions, then a tool's name length.
    const toolPromptTokens = (tools: readonly { name: string }[]) => (tools.length ? 10 + tools.reduce((n, t) => n + t.name.length, 0) : 0)
    const { code, out } = await capture(() => runExtCheck(demo, true, { toolPromptTokens }))
    expect(code).toBe(0)
    const report = JSON.parse(out)
    expect(report).toMatchObject({ name: 'api-demo', version: '1.2.3', permissions: [], hooks: expect.arrayContaining(['context', 'toolCall']) })
    expect(report.tools.map((t: { name: string; tokens: number }) => [t.name, t.tokens])).toEqual([
      ['echo', 4],
      ['rm_rf', 5],
    ])
    expect(report).toMatchObject({ toolTokens: 19, toolInstructionTokens: 10 })
    expect(report.hostFlags).toContain('--max-old-space-size=256')
    const text = await capture(() => runExtCheck(join(fixtures.permissions, 'fs-user'), false, { settings: { data: '/tmp', out: '/tmp' } }))
    // net is enforced only inside an OS sandbox (bubblewrap here when installed), and ext check says which.
    const sandbox = await findOsSandbox()
    expect(text.out).toMatch(sandbox ? /net\s+enforced/ : /net\s+NOT enforced/)
    expect(text.out).toMatch(new RegExp(`sandbox\\s+${sandbox?.kind ?? 'none'}`))
    expect(text.out).toContain('token cost unknown')
  })

  it('check exits 1 with the error for a broken extension', async () => {
    const { code, err } = await capture(() => runExtCheck(join(fixtures.faulty, 'throws-at-load.ts'), false))
    expect(code).toBe(1)
    expect(err).toContain('Error EXTENSION_INVALID: Loading failed: cannot start: missing configuration')
  })

  it('run prints a command’s output; callbacks go to stderr', async () => {
    const { code, out, err } = await capture(() => runExtRun(demo, '/greet Bob'))
    expect(code).toBe(0)
    expect(out).toBe('Hello, Bob! tokens=null path=0 tree=0 model=none')
    expect(err).toContain('[notify] greeting Bob')
    expect((await capture(() => runExtRun(demo, '/missing'))).code).toBe(1)
    expect((await capture(() => runExtRun(demo, '/ bad'))).code).toBe(2)
  })

  it('the benchmark helper measures start, round trip and memory', async () => {
    const m = await measureExtensionHost({ starts: 1, roundTrips: 20 })
    expect(m.hostStartMs).toBeGreaterThan(0)
    expect(m.roundTripMs.median).toBeGreaterThan(0)
    expect(m.rssBytes).toBeGreaterThan(1024 * 1024)
  })
})
