import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { piProviderSnippet } from '../../src/shared/apiServer'
import { getPiReaderModelPath } from '../helpers/fixtures'

const ROOT = join(import.meta.dirname, '../..')
const CONTEXT = 8192

/** Runs a command to its end: exit code, stdout, stderr. */
function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/**
 * The real Pi 0.73.1 CLI against `npm run arbor -- api`: Pi reads a `models.json` with the provider snippet Arbor
 * prints, sends its own system prompt and four tools, gets a `read` call from a generated model, runs it, sends
 * the result back, and prints the model's answer.
 */
describe('the Pi coding agent against arbor api', () => {
  let server: ChildProcess
  let baseUrl: string
  let home: string
  let stderr = ''
  beforeAll(async () => {
    home = await mkdtemp(join(os.tmpdir(), 'arbor-pi-cli-'))
    const model = await getPiReaderModelPath()
    server = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/main/cli/arbor.ts'), 'api', model, '--port', '0', '--context', String(CONTEXT), '--threads', '1'], {
      cwd: ROOT,
      env: { ...process.env, ARBOR_HOME: join(home, 'arbor') },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    server.stderr!.on('data', (c: Buffer) => (stderr += c.toString()))
    const lines = createInterface({ input: server.stdout! })
    // One line with the base URL once it serves.
    baseUrl = await new Promise<string>((resolve, reject) => {
      lines.once('line', (line) => resolve(/(http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(line)?.[1] ?? ''))
      server.once('exit', (code) => reject(new Error(`arbor api exited (${code}): ${stderr}`)))
    })
  }, 120_000)
  afterAll(async () => {
    if (server.exitCode === null) server.kill('SIGTERM')
    await rm(home, { recursive: true, force: true })
  })

  it('prints one line with the base URL, and Pi completes a tool round through it', async () => {
    expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/)
    const modelId = (await getPiReaderModelPath()).split('/').at(-1)!.replace(/\.gguf$/, '')
    const agentDir = join(home, 'pi')
    const work = join(home, 'work')
    await run('mkdir', ['-p', agentDir, work], { cwd: home, env: process.env })
    await writeFile(join(agentDir, 'models.json'), piProviderSnippet(baseUrl, modelId, CONTEXT, 512, null))
    await writeFile(join(work, 'hello.txt'), 'hi from the file\n')
    const pi = await run(join(ROOT, 'node_modules/.bin/pi'), ['-p', 'Read hello.txt', '--provider', 'arbor', '--model', modelId], {
      cwd: work,
      env: { ...process.env, PI_CODING_AGENT_DIR: agentDir },
    })
    expect(pi.stderr).toBe('')
    expect(pi.code).toBe(0)
    expect(pi.stdout.trim()).toBe('The file says hi.')
    // Pi ran its read tool on the file and sent the result back: its own session file says so.
    const folder = join(agentDir, 'sessions', (await readdir(join(agentDir, 'sessions')))[0]!)
    const lines = (await readFile(join(folder, (await readdir(folder))[0]!), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { type: string; message?: { role: string; content: unknown } })
    const result = lines.find((l) => l.message?.role === 'toolResult')
    expect(JSON.stringify(result?.message?.content)).toContain('hi from the file')
    // Arbor logged each request; the one after the tool result reused the history from the first.
    const logged = stderr.split('\n').filter((l) => l.includes('/v1/chat/completions 200'))
    expect(logged.length).toBeGreaterThanOrEqual(2)
    const cached = Number(/cached (\d+)/.exec(logged[1]!)![1])
    const prompt = Number(/prompt (\d+)/.exec(logged[1]!)![1])
    expect(cached).toBeGreaterThan(prompt * 0.9)
  }, 120_000)

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)))
    server.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(stderr).toContain('Stopping: open requests end, the model is unloaded.')
  }, 30_000)
})
