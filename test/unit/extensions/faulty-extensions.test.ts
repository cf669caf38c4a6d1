import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { emptyCallContext } from '../../../src/main/core/extensions/emptyCallContext'
import { Extensions } from '../../../src/main/core/extensions/Extensions'
import type { ExtensionInfo } from '../../../src/shared/extensions/ExtensionInfo'
import { fixtures } from './fixturePaths'

let extensions: Extensions
const ctx = emptyCallContext()
const info = (name: string): ExtensionInfo => extensions.list().find((i) => i.name === name)!

/** Waits until `check` holds (polling), at most `ms`. */
async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time')
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** The healthy extension answers: the registry goes on whatever the faulty ones did. */
async function healthyStillWorks(): Promise<void> {
  const result = await extensions.runCommand('greet', 'you', ctx)
  expect(result.ok && result.value.text).toContain('Hello, you!')
}

beforeAll(async () => {
  extensions = await Extensions.create({ bundledFolder: fixtures.faulty, userFolder: fixtures.healthy, restart: { backoffMs: [200] } })
}, 30_000)
afterAll(() => extensions.dispose())

describe('faulty extensions', () => {
  it('throws at load: failed with its message, others loaded', async () => {
    expect(info('throws-at-load')).toMatchObject({ status: 'failed', running: false, lastError: { code: 'EXTENSION_INVALID' } })
    expect(info('throws-at-load').lastError!.message).toContain('missing configuration')
    expect(info('api-demo')).toMatchObject({ status: 'enabled', running: true })
    await healthyStillWorks()
  })

  it('throws in a handler: the call answers the error, the extension stays up', async () => {
    const boom = await extensions.runCommand('boom', '', ctx)
    expect(boom.ok).toBe(false)
    if (!boom.ok) expect(boom.error).toMatchObject({ code: 'EXTENSION_FAILED', message: expect.stringContaining('kaboom in a handler') })
    const after = await extensions.runCommand('still-here', '', ctx)
    expect(after).toEqual({ ok: true, value: { text: 'still here', sendToModel: false, extension: 'throws-in-handler' } })
  })

  it('a synchronous infinite loop times out, the host is killed and restarted, others answer meanwhile', async () => {
    const started = Date.now()
    const spinning = extensions.runCommand('spin', '', ctx)
    await healthyStillWorks()
    const spin = await spinning
    expect(Date.now() - started).toBeLessThan(3000)
    expect(spin.ok).toBe(false)
    if (!spin.ok) expect(spin.error.code).toBe('EXTENSION_TIMEOUT')
    expect(info('infinite-loop')).toMatchObject({ status: 'failed', restarting: true, faults: 1, lastError: { code: 'EXTENSION_TIMEOUT' } })
    await until(() => info('infinite-loop').running)
    expect(await extensions.runCommand('quick', '', ctx)).toMatchObject({ ok: true, value: { text: 'quick' } })
  })

  it('process.exit ends the host: the call fails with that reason, the host restarts', async () => {
    const quit = await extensions.runCommand('quit', '', ctx)
    expect(quit.ok).toBe(false)
    if (!quit.ok) expect(quit.error.message).toContain('process.exit(3)')
    expect(info('exits').lastError!.message).toContain('process.exit(3)')
    await until(() => info('exits').running)
    await healthyStillWorks()
  })

  it('process.exit while loading: failed, not restarted', async () => {
    expect(info('exit-at-load')).toMatchObject({ status: 'failed', restarting: false })
    expect(info('exit-at-load').lastError!.message).toContain('process.exit(7)')
  })

  it('an unhandled rejection is reported as its error; it keeps serving', async () => {
    const result = await extensions.runCommand('reject', '', ctx)
    expect(result).toMatchObject({ ok: true, value: { text: 'returned normally' } })
    await until(() => info('unhandled-rejection').lastError !== null)
    expect(info('unhandled-rejection')).toMatchObject({ status: 'enabled', running: true })
    expect(info('unhandled-rejection').lastError!.message).toContain('nobody handles this')
  })

  it('allocating 4 GB under a 64 MB cap kills the host within 5 s', async () => {
    const started = Date.now()
    const hog = await extensions.runCommand('hog', '', ctx)
    expect(Date.now() - started).toBeLessThan(5000)
    expect(hog.ok).toBe(false)
    if (!hog.ok) expect(hog.error.message).toContain('out of memory')
    expect(info('allocates').lastError!.message).toMatch(/capped at 64 MB/)
    await healthyStillWorks()
  })

  it('a 100 MB result is refused, not passed through', async () => {
    const huge = await extensions.runCommand('huge', '', ctx)
    expect(huge.ok).toBe(false)
    if (!huge.ok) expect(huge.error).toMatchObject({ code: 'EXTENSION_FAILED', message: expect.stringContaining('larger than 1024 KB') })
    const tool = await extensions.callTool('huge_tool', {}, ctx)
    expect(tool.ok).toBe(false)
    expect(info('huge-result').running).toBe(true)
  })

  it('a tool with an invalid JSON Schema is refused at registration', () => {
    expect(info('bad-schema')).toMatchObject({ status: 'failed', lastError: { code: 'EXTENSION_INVALID' } })
    expect(info('bad-schema').lastError!.message).toContain('unknown type "date"')
    expect(extensions.toolDefinitions().map((t) => t.name)).not.toContain('bad')
  })

  it('a duplicate tool name: the second extension fails, the first keeps the tool', async () => {
    expect(info('dup-a')).toMatchObject({ status: 'enabled', tools: [{ name: 'shared_tool' }] })
    expect(info('dup-b')).toMatchObject({ status: 'failed', lastError: { code: 'EXTENSION_INVALID' } })
    expect(info('dup-b').lastError!.message).toContain('already registered by extension "dup-a"')
    expect(await extensions.callTool('shared_tool', {}, ctx)).toMatchObject({ ok: true, value: { value: 'a' } })
  })

  it('reading outside its permission is refused with EXTENSION_PERMISSION; its own file is readable', async () => {
    const outside = await extensions.runCommand('read', join(fixtures.repoRoot, 'package.json'), ctx)
    expect(outside.ok).toBe(false)
    if (!outside.ok) expect(outside.error).toMatchObject({ code: 'EXTENSION_PERMISSION', message: expect.stringContaining('fs.read') })
    const own = await extensions.runCommand('read', join(fixtures.faulty, 'reads-outside.ts'), ctx)
    expect(own.ok && own.value.text).toContain('readFileSync')
  })

  it('hooks that hang or throw are skipped and their extensions marked failed; the turn goes on', async () => {
    const started = Date.now()
    const { event, changedBy, failures } = await extensions.runContextHooks({ systemPrompt: 'Be brief.', messages: [{ role: 'user', text: 'hi' }] }, ctx)
    expect(Date.now() - started).toBeLessThan(2000)
    expect(event.systemPrompt).toBe('Be brief.\n[api-demo was here]')
    expect(changedBy).toEqual(['api-demo'])
    expect(failures.map((f) => [f.extension, f.error.code]).sort()).toEqual([
      ['slow-hook', 'EXTENSION_TIMEOUT'],
      ['throwing-hook', 'EXTENSION_FAILED'],
    ])
    expect(info('slow-hook').status).toBe('failed')
    expect(info('throwing-hook').status).toBe('failed')
    await healthyStillWorks()
  })
})
