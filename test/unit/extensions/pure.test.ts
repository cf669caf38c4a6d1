import { describe, expect, it } from 'vitest'
import { describeHostExit } from '../../../src/main/core/extensions/describeHostExit'
import { findContributionConflict } from '../../../src/main/core/extensions/findContributionConflict'
import { fitsInBytes } from '../../../src/main/core/extensions/fitsInBytes'
import { minimalGrants } from '../../../src/main/core/extensions/nodePermissionFlags'
import { checkJsonSchema } from '../../../src/shared/extensions/checkJsonSchema'
import { parseCommandLine } from '../../../src/shared/extensions/parseCommandLine'
import { parseManifest } from '../../../src/shared/extensions/parseManifest'
import { groupTokenCost, toolTokenCost } from '../../../src/shared/extensions/toolTokenCost'

describe('manifest', () => {
  it('a single file without one gets the defaults', () => {
    expect(parseManifest({}, 'My Tool')).toEqual({
      ok: true,
      value: { name: 'my-tool', version: '0.0.0', description: '', entry: null, permissions: [], timeouts: { command: 10_000, tool: 10_000, hook: 2_000, load: 10_000 }, memoryMb: 256, settings: {}, declared: false },
    })
  })
  it('reads package.json and its arbor field; arbor.json wins', () => {
    const result = parseManifest(
      { packageJson: { name: '@me/arbor-notes', version: '2.0.0', description: 'Notes', main: 'src/main.ts', arbor: { permissions: ['net'], timeouts: { hook: 500 } } }, arborJson: { memoryMb: 64 } },
      'folder',
    )
    expect(result).toMatchObject({ ok: true, value: { name: 'arbor-notes', version: '2.0.0', entry: 'src/main.ts', permissions: ['net'], memoryMb: 64, timeouts: { hook: 500, command: 10_000 } } })
  })
  it('refuses a malformed field with where it is', () => {
    expect(parseManifest({ arborJson: { timeouts: { tool: 'fast' } } }, 'x')).toMatchObject({ ok: false, error: { code: 'EXTENSION_INVALID', message: expect.stringContaining('timeouts.tool') } })
  })
})

describe('tool schemas', () => {
  it('accepts the usual object schemas', () => {
    expect(checkJsonSchema({ type: 'object', properties: { q: { type: 'string', enum: ['a', 'b'] }, n: { type: ['integer', 'null'] }, list: { type: 'array', items: { type: 'number' } } }, required: ['q'] })).toBeNull()
  })
  it('names what is wrong', () => {
    expect(checkJsonSchema({ type: 'string' })).toContain('must be an object schema')
    expect(checkJsonSchema({ type: 'object', properties: { a: { type: 'date' } } })).toContain('parameters.properties.a.type')
    expect(checkJsonSchema({ type: 'object', required: ['missing'] })).toContain('"missing" is not among the properties')
    expect(checkJsonSchema({ type: 'object', $ref: '#/x' })).toContain('unsupported keyword "$ref"')
    expect(checkJsonSchema({ type: 'object', properties: { p: { type: 'string', pattern: '(' } } })).toContain('not a valid regular expression')
  })
})

describe('small pieces', () => {
  it('parses command lines', () => {
    expect(parseCommandLine('/export my file.md')).toEqual({ name: 'export', args: 'my file.md' })
    expect(parseCommandLine('  /tokens ')).toEqual({ name: 'tokens', args: '' })
    expect(parseCommandLine('/usr/bin/env')).toBeNull()
    expect(parseCommandLine('hello /tokens')).toBeNull()
  })
  it('splits the prompt growth of tools into shared instructions and each definition', async () => {
    const tools = [
      { name: 'a', description: 'x', parameters: { type: 'object' } },
      { name: 'bb', description: 'yy', parameters: { type: 'object' } },
    ]
    // A template that adds 100 tokens of instructions when any tool is offered, then each name's length × 10.
    const added = (subset: readonly { name: string }[]) => (subset.length ? 100 + subset.reduce((n, t) => n + t.name.length * 10, 0) : 0)
    expect(await toolTokenCost(tools, added)).toEqual({ total: 130, instructions: 100, tools: [{ name: 'a', tokens: 10 }, { name: 'bb', tokens: 20 }] })
    expect(await toolTokenCost([], added)).toEqual({ total: 0, instructions: 0, tools: [] })
    // The only extension with tools also pays the instructions: turning it off saves them too.
    expect(await groupTokenCost(tools, () => true, added)).toBe(130)
    expect(await groupTokenCost(tools, (t) => t.name === 'bb', added)).toBe(20)
    expect(await groupTokenCost(tools, () => false, added)).toBe(0)
  })
  it('measures results without building their JSON', () => {
    expect(fitsInBytes({ a: 'x'.repeat(100) }, 1000)).toBe(true)
    expect(fitsInBytes(['x'.repeat(600), 'y'.repeat(600)], 1000)).toBe(false)
    const cycle: Record<string, unknown> = {}
    cycle.self = cycle
    expect(fitsInBytes(cycle, 1e6)).toBe(false)
  })
  it('keeps the fewest non-overlapping permission grants', () => {
    expect(minimalGrants(['/a/b', '/a', '/a/*', '/c/d.txt', '/ab'])).toEqual(['/a/*', '/ab', '/c/d.txt'])
  })
  it('finds a tool or command another extension offers', () => {
    const mine = { tools: [], commands: [{ name: 'x', description: '' }], hooks: [] }
    expect(findContributionConflict(mine, [{ name: 'other', registrations: { tools: [], commands: [{ name: 'x', description: '' }], hooks: [] } }])).toBe(
      'Command "/x" is already registered by extension "other".',
    )
  })
  it('explains how a host died', () => {
    expect(describeHostExit(null, 'SIGABRT', ['FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory'], 64).message).toContain('capped at 64 MB')
    expect(describeHostExit(3, null, ['The extension called process.exit(3).'], 64).message).toContain('process.exit(3)')
    expect(describeHostExit(null, 'SIGSEGV', [], 64).message).toContain('signal SIGSEGV')
  })
})
