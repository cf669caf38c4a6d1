import { readdirSync, readFileSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { emptyCallContext } from '../../../src/main/core/extensions/emptyCallContext'
import { findOsSandbox } from '../../../src/main/core/extensions/osSandbox'
import { Extensions } from '../../../src/main/core/extensions/Extensions'
import { nodePermissionFlags } from '../../../src/main/core/extensions/nodePermissionFlags'
import { parsePermission } from '../../../src/shared/extensions/parsePermission'
import { fixtures } from './fixturePaths'

const ctx = emptyCallContext()
let extensions: Extensions
let data: string
let out: string

beforeAll(async () => {
  const base = await mkdtemp(join(os.tmpdir(), 'arbor-perm-'))
  data = join(base, 'data')
  out = join(base, 'out')
  await Promise.all([mkdir(data), mkdir(out)])
  await writeFile(join(data, 'in.txt'), 'readable')
  await writeFile(join(out, 'secret.txt'), 'not readable')
  extensions = await Extensions.create({ userFolder: fixtures.permissions, settings: { 'fs-user': { data, out } } })
  // They declare permissions: nothing runs until the user allows what each one asks for.
  for (const info of extensions.list()) {
    expect(info).toMatchObject({ status: 'needs-consent', running: false })
    await extensions.allow(info.name, info.consent!.requested)
  }
}, 20_000)
afterAll(async () => {
  await extensions.dispose()
  await rm(join(data, '..'), { recursive: true, force: true })
})

describe('permission grammar', () => {
  it('parses the four kinds and fills placeholders', () => {
    expect(parsePermission('net')).toEqual({ ok: true, value: { kind: 'net' } })
    expect(parsePermission('exec')).toEqual({ ok: true, value: { kind: 'exec' } })
    expect(parsePermission('fs.read:${workspace}/docs', { workspace: '/w' })).toEqual({ ok: true, value: { kind: 'fs.read', path: '/w/docs' } })
    expect(parsePermission('fs.write:~/out', { home: '/home/u' })).toEqual({ ok: true, value: { kind: 'fs.write', path: '/home/u/out' } })
  })
  it('refuses unknown kinds, missing settings and the whole disk', () => {
    expect(parsePermission('fs.delete:/x')).toMatchObject({ ok: false, error: { code: 'EXTENSION_PERMISSION' } })
    expect(parsePermission('fs.read:${workspace}')).toMatchObject({ ok: false, error: { message: expect.stringContaining('"workspace"') } })
    expect(parsePermission('fs.read:*')).toMatchObject({ ok: false })
    expect(parsePermission('fs.read:${workspace}', { workspace: '/' })).toMatchObject({ ok: false, error: { message: expect.stringContaining('whole disk') } })
    expect(parsePermission('fs.read:C:\\')).toMatchObject({ ok: false })
  })
  it('renders one Node flag per path, the heap cap, and child processes only for exec', () => {
    const flags = nodePermissionFlags({ readPaths: ['/a', '/b'], writePaths: ['/c'], childProcess: false, network: false, memoryMb: 64, cwd: '/a' }, '/host.cjs', '20.20.2')
    expect(flags).toEqual(expect.arrayContaining(['--experimental-permission', '--max-old-space-size=64', '--allow-fs-read=/host.cjs', '--allow-fs-read=/a', '--allow-fs-read=/b', '--allow-fs-write=/c']))
    expect(flags).not.toContain('--allow-child-process')
    expect(nodePermissionFlags({ readPaths: [], writePaths: [], childProcess: true, network: false, memoryMb: 64, cwd: '/' }, '/h', '22.20.0')).toEqual(expect.arrayContaining(['--permission', '--allow-child-process']))
  })
})

describe('permissions enforced on the host process', () => {
  it('lists what is declared and says whether net is enforced: only inside an OS sandbox', async () => {
    const sandbox = await findOsSandbox()
    const info = extensions.list().find((i) => i.name === 'fs-user')!
    expect(info.status).toBe('enabled')
    expect(info.sandbox).toBe(sandbox?.kind ?? null)
    expect(info.permissions.map((p) => [p.permission.kind, p.enforced])).toEqual([['fs.read', true], ['fs.write', true], ['net', sandbox !== null]])
    if (!sandbox) expect(info.permissions[2]!.note).toMatch(/not enforced/i)
  })
  it('reads inside fs.read, not elsewhere', async () => {
    expect(await extensions.runCommand('read', join(data, 'in.txt'), ctx)).toMatchObject({ ok: true, value: { text: 'readable' } })
    const denied = await extensions.runCommand('read', join(out, 'secret.txt'), ctx)
    expect(denied).toMatchObject({ ok: false, error: { code: 'EXTENSION_PERMISSION' } })
    expect(await extensions.runCommand('read', '/etc/passwd', ctx)).toMatchObject({ ok: false, error: { code: 'EXTENSION_PERMISSION' } })
  })
  it('writes inside fs.write, not elsewhere', async () => {
    expect(await extensions.runCommand('write', join(out, 'new.txt'), ctx)).toMatchObject({ ok: true })
    expect(await readFile(join(out, 'new.txt'), 'utf8')).toBe('written')
    expect(await extensions.runCommand('write', join(data, 'nope.txt'), ctx)).toMatchObject({ ok: false, error: { code: 'EXTENSION_PERMISSION' } })
  })
  it('starts processes only with exec', async () => {
    expect(await extensions.runCommand('spawn', '', ctx)).toMatchObject({ ok: false, error: { code: 'EXTENSION_PERMISSION', message: expect.stringContaining('exec') } })
    expect(await extensions.runCommand('spawn-ok', '', ctx)).toMatchObject({ ok: true, value: { text: '42' } })
  })
  it('programs an exec extension started go when it is turned off (its whole process group)', async () => {
    if (process.platform !== 'linux') return
    const marker = `4242.${process.pid}${Date.now() % 100000}`
    const sleepers = () =>
      readdirSync('/proc')
        .filter((d) => /^\d+$/.test(d))
        .filter((pid) => {
          try {
            return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(marker)
          } catch {
            return false
          }
        })
    expect(await extensions.runCommand('spawn-sleeper', marker, ctx)).toMatchObject({ ok: true })
    await expect.poll(sleepers, { timeout: 5000 }).toHaveLength(1)
    expect(await extensions.disable('exec-user')).toMatchObject({ ok: true })
    await expect.poll(sleepers, { timeout: 5000 }).toHaveLength(0)
    expect(await extensions.enable('exec-user')).toMatchObject({ ok: true })
  })
  it('an extension whose permission needs a setting nobody gave fails with EXTENSION_PERMISSION', async () => {
    const bare = await Extensions.create({ userFolder: fixtures.permissions })
    try {
      const info = bare.list().find((i) => i.name === 'fs-user')!
      expect(info).toMatchObject({ status: 'failed', lastError: { code: 'EXTENSION_PERMISSION' } })
      expect(info.lastError!.message).toContain('"data"')
      // The other one is fine, and waits for the user to allow `exec`.
      expect(bare.list().find((i) => i.name === 'exec-user')!.status).toBe('needs-consent')
    } finally {
      await bare.dispose()
    }
  })
})
