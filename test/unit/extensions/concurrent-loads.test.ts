import { cp, mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createForkHostLauncher } from '../../../src/main/core/extensions/createForkHostLauncher'
import type { HostLauncher } from '../../../src/main/core/extensions/HostLauncher'
import { Extensions } from '../../../src/main/core/extensions/Extensions'
import { fixtures } from './fixturePaths'

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** The fork launcher, remembering every host process it started. */
function recordingLauncher(): { launcher: HostLauncher; pids: number[] } {
  const fork = createForkHostLauncher()
  const pids: number[] = []
  return {
    pids,
    launcher: {
      async launch(request) {
        const host = await fork.launch(request)
        if (host.pid !== undefined) pids.push(host.pid)
        return host
      },
    },
  }
}

let userFolder: string
beforeAll(async () => {
  userFolder = await mkdtemp(join(os.tmpdir(), 'arbor-concurrent-'))
  await cp(join(fixtures.healthy, 'api-demo'), join(userFolder, 'api-demo'), { recursive: true })
})
afterAll(() => rm(userFolder, { recursive: true, force: true }))

describe('loads at the same time', () => {
  it('leave one host running, and none after dispose', async () => {
    const { launcher, pids } = recordingLauncher()
    const extensions = await Extensions.create({ userFolder, launcher })
    const name = extensions.list()[0]!.name
    await Promise.all([extensions.reload(name), extensions.reload(name), extensions.reload(name)])
    await expect.poll(() => pids.filter(alive).length, { timeout: 5_000 }).toBe(1)
    expect(extensions.list()[0]).toMatchObject({ status: 'enabled', running: true })
    await extensions.dispose()
    await expect.poll(() => pids.filter(alive).length, { timeout: 5_000 }).toBe(0)
  })
})

describe('a working folder whose extensions folder is the user folder (a session started at home)', () => {
  it('lists each user extension once, as the user’s, running', async () => {
    const home = await mkdtemp(join(os.tmpdir(), 'arbor-home-'))
    const user = join(home, '.arbor', 'extensions')
    await cp(join(fixtures.healthy, 'api-demo'), join(user, 'api-demo'), { recursive: true })
    const extensions = await Extensions.create({ userFolder: user, workspace: { folder: home, trusted: false } })
    try {
      expect(extensions.list().map((e) => [e.source, e.status])).toEqual([['user', 'enabled']])
    } finally {
      await extensions.dispose()
      await rm(home, { recursive: true, force: true })
    }
  })
})
