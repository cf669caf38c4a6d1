import { spawn, type ChildProcess } from 'node:child_process'
import { createServer, type Server } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createForkHostLauncher } from '../../../src/main/core/extensions/createForkHostLauncher'
import { emptyCallContext } from '../../../src/main/core/extensions/emptyCallContext'
import { Extensions } from '../../../src/main/core/extensions/Extensions'
import { findOsSandbox } from '../../../src/main/core/extensions/osSandbox'
import { fixtures } from './fixturePaths'

const ctx = emptyCallContext()
const sandbox = await findOsSandbox()

/** A process of the user's an extension might try to kill: it must outlive the attempt. */
function victim(): ChildProcess {
  return spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })
}

const exited = (child: ChildProcess, ms: number) =>
  new Promise<boolean>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(true)
    const timer = setTimeout(() => resolve(false), ms)
    child.once('exit', () => (clearTimeout(timer), resolve(true)))
  })

/** A port on this machine (as Arbor's API server or a debugger would listen): counts who connects. */
let server: Server
let port = 0
let connections = 0
beforeAll(async () => {
  server = createServer((socket) => {
    connections++
    socket.destroy()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as { port: number }).port
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const run = async (extensions: Extensions, name: string, args: string) => {
  const result = await extensions.runCommand(name, args, ctx)
  if (!result.ok) throw new Error(result.error.message)
  return result.value.text
}

describe.skipIf(!sandbox)(`an extension in the operating system's sandbox (${sandbox?.kind ?? 'none here'})`, () => {
  let extensions: Extensions
  beforeAll(async () => {
    extensions = await Extensions.create({ bundledFolder: fixtures.escape })
  }, 30_000)
  afterAll(() => extensions.dispose())

  it('runs there, and says so', () => {
    expect(extensions.list().find((i) => i.name === 'escaper')).toMatchObject({ running: true, sandbox: sandbox!.kind })
  })

  it('cannot kill a process of the user, nor signal the core (SIGUSR1 would open a debugger in it)', async () => {
    const target = victim()
    try {
      expect(await run(extensions, 'signal', `${target.pid} SIGKILL`)).toMatch(/^refused: (ESRCH|EPERM)/)
      expect(await run(extensions, 'signal', `${process.pid} SIGUSR1`)).toMatch(/^refused: (ESRCH|EPERM)/)
      expect(await exited(target, 500)).toBe(false)
    } finally {
      target.kill('SIGKILL')
    }
  })

  it('cannot reach a port of this machine when it declares no network', async () => {
    const before = connections
    expect(await run(extensions, 'connect', String(port))).toMatch(/^refused: /)
    expect(connections).toBe(before)
  })
})

describe('the same extension without a sandbox (what the consent screen warns of)', () => {
  let extensions: Extensions
  beforeAll(async () => {
    extensions = await Extensions.create({ bundledFolder: fixtures.escape, launcher: createForkHostLauncher({ sandbox: null }) })
  }, 30_000)
  afterAll(() => extensions.dispose())

  it('kills a process of the user and reaches a local port: Node’s permission model stops neither', async () => {
    expect(extensions.list().find((i) => i.name === 'escaper')).toMatchObject({ running: true, sandbox: null })
    const target = victim()
    expect(await run(extensions, 'signal', `${target.pid} SIGKILL`)).toBe('sent')
    expect(await exited(target, 5000)).toBe(true)
    const before = connections
    expect(await run(extensions, 'connect', String(port))).toBe('connected')
    for (let i = 0; i < 100 && connections === before; i++) await new Promise((r) => setTimeout(r, 20))
    expect(connections).toBe(before + 1)
  })
})
