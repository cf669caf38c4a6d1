import { fork } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildHostScript } from '../../../src/main/core/extensions/buildHostScript'
import { Extensions } from '../../../src/main/core/extensions/Extensions'
import type { HostLauncher } from '../../../src/main/core/extensions/HostLauncher'
import { fixtures } from './fixturePaths'

/** A launcher like Electron's utilityProcess: a real host, but without Node's permission flags. */
const noPermissionModel: HostLauncher = {
  async launch(request) {
    const child = fork(await buildHostScript(), [], { cwd: request.cwd, execArgv: [], stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'json' })
    return {
      pid: child.pid,
      flags: [],
      sandbox: null,
      onViolation: () => undefined,
      send: (message) => void (child.connected && child.send(message)),
      kill: () => void child.kill('SIGKILL'),
      onMessage: (listener) => void child.on('message', listener),
      onExit: (listener) => void child.on('exit', listener),
      onOutput: () => undefined,
    }
  },
}

let base: string
const open: Extensions[] = []
beforeAll(async () => {
  base = await mkdtemp(join(os.tmpdir(), 'arbor-perm-model-'))
  await writeFile(join(base, 'notes.txt'), 'x')
})
afterAll(async () => {
  await Promise.all(open.map((e) => e.dispose()))
  await rm(base, { recursive: true, force: true })
})

const workspaceIn = async (launcher?: HostLauncher) => {
  const extensions = await Extensions.create({ bundledFolder: fixtures.bundled, workspace: { folder: base, trusted: true }, ...(launcher ? { launcher } : {}) })
  open.push(extensions)
  return extensions.list().find((i) => i.name === 'workspace')!
}

describe("the host's permission model", () => {
  it('is reported by the host: permissions are shown as enforced only where Node enforces them', async () => {
    const enforced = await workspaceIn()
    expect(enforced.running).toBe(true)
    expect(enforced.permissions.map((p) => p.enforced)).toEqual([true])

    const unenforced = await workspaceIn(noPermissionModel)
    expect(unenforced.running).toBe(true)
    expect(unenforced.permissions.map((p) => [p.enforced, p.note])).toEqual([[false, expect.stringContaining("without Node’s permission model")]])
  })
})
