import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const guards = fileURLToPath(new URL('../../src/main/core/processGuards.ts', import.meta.url))

/**
 * A process like Arbor's core (guarded or not) is sent SIGUSR1, as an extension host that can signal would: what it
 * printed, whether it lives, and whether a promise rejected with nobody listening ended it.
 */
async function signalled(guarded: boolean): Promise<{ stderr: string; alive: boolean }> {
  const script = `${guarded ? `const { guardProcess } = await import(${JSON.stringify(guards)}); guardProcess();` : ''}
    ${guarded ? "Promise.reject(new Error('nobody waits for this'));" : ''}
    setInterval(() => {}, 1000); console.log('ready')`
  // Port 0: an inspector that does open takes a free port, not one another test might hold.
  const child = spawn(process.execPath, ['--import', 'tsx', '--inspect-port=0', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d) => (stderr += String(d)))
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()))
  await new Promise((r) => setTimeout(r, 300))
  const alive = child.exitCode === null
  if (alive) child.kill('SIGUSR1')
  await new Promise((r) => setTimeout(r, 1000))
  const result = { stderr, alive: alive && child.exitCode === null }
  child.kill('SIGKILL')
  return result
}

describe('the core process under signals and stray rejections', () => {
  it('opens no inspector on SIGUSR1 and outlives a promise nobody waited for', async () => {
    const { stderr, alive } = await signalled(true)
    expect(alive).toBe(true)
    expect(stderr).not.toContain('Debugger listening')
    expect(stderr).toContain('nobody waits for this')
  }, 20_000)

  it('(without the guards, the same signal opens the inspector: what an extension could then drive)', async () => {
    const { stderr } = await signalled(false)
    expect(stderr).toContain('Debugger listening')
  }, 20_000)
})
