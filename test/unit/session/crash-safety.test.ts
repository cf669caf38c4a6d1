import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SessionDocument } from '../../../src/shared/session/SessionDocument'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const CHILD = fileURLToPath(new URL('./crashChild.ts', import.meta.url))
/** Children still running, so that a failing test leaves none behind. */
const running = new Set<ChildProcess>()

/**
 * Runs the child (`crashChild.ts`, the real `SessionFile` under tsx) on `path`, kills it with SIGKILL a random 0–`maxDelayMs` ms after it is ready, and returns
 * the lines it printed before dying.
 */
function runAndKill(mode: 'append' | 'rewrite', path: string, maxDelayMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    // `node --import tsx` rather than the tsx binary: one process, so that SIGKILL ends the writer itself.
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, mode, path], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    running.add(child)
    let out = ''
    let err = ''
    let timer: NodeJS.Timeout | undefined
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk
      if (timer === undefined && out.startsWith('ready\n')) timer = setTimeout(() => child.kill('SIGKILL'), Math.random() * maxDelayMs)
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk))
    child.on('error', reject)
    child.on('close', (_code, signal) => {
      running.delete(child)
      if (signal !== 'SIGKILL') reject(new Error(`child ended by itself (${signal ?? _code}): ${err}`))
      else resolve(out.split('\n').slice(1, -1))
    })
  })
}

/** Runs `rounds` rounds in each of `lanes` parallel lanes. */
async function inLanes(lanes: number, rounds: number, round: (lane: number, i: number) => Promise<void>): Promise<void> {
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      for (let i = 0; i < rounds; i++) await round(lane, i)
    }),
  )
}

describe('crash safety of session files', () => {
  let dir = ''
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'arbor-crash-'))
  })
  afterAll(async () => {
    for (const child of running) child.kill('SIGKILL')
    await rm(dir, { recursive: true, force: true })
  })

  it('keeps every entry whose append was reported, across 50 kills at random moments', async () => {
    let kills = 0
    let saved = 0
    await inLanes(5, 10, async (lane) => {
      const path = join(dir, `append-${lane}.jsonl`)
      if (kills < 5) await writeFile(path, SessionDocument.create({ cwd: dir, id: `lane-${lane}` }).serialize())
      const reported = await runAndKill('append', path, 60)
      kills++
      const { doc, warnings } = SessionDocument.parse(await readFile(path, 'utf8'))
      expect(warnings.filter((w) => w.code !== 'SESSION_LINE_TORN')).toEqual([])
      for (const id of reported) expect(doc.get(id), `entry ${id} was reported saved`).toBeDefined()
      saved += reported.length
    })
    expect(kills).toBe(50)
    expect(saved).toBeGreaterThan(50)
  }, 90_000)

  it('leaves the old or the new file when a rewrite is killed, never a broken one', async () => {
    const doc = SessionDocument.create({ cwd: dir, id: 'rewrite' })
    const root = doc.append({ type: 'message', message: { role: 'user', content: 'root' } }, null).entry
    for (const branch of ['a', 'b']) {
      let parent = root.id
      for (let i = 0; i < 1500; i++) parent = doc.append({ type: 'message', message: { role: 'user', content: `${branch}${i} ${'y'.repeat(300)}` } }, parent).entry.id
    }
    const whole = doc.serialize()
    doc.prune(doc.children(root.id)[0]!.id)
    const pruned = doc.serialize()
    expect(pruned.length).toBeLessThan(whole.length * 0.6)

    const seen = new Set<string>()
    let rewrites = 0
    await inLanes(4, 5, async (lane) => {
      const path = join(dir, `rewrite-${lane}.jsonl`)
      await writeFile(path, whole)
      rewrites += (await runAndKill('rewrite', path, 150)).length
      const text = await readFile(path, 'utf8')
      expect(text === whole || text === pruned, 'the file is exactly the old or the new version').toBe(true)
      seen.add(text === whole ? 'whole' : 'pruned')
      expect(SessionDocument.parse(text).warnings).toEqual([])
    })
    expect(rewrites).toBeGreaterThan(0)
    const leftovers = (await readdir(dir)).filter((n) => n.startsWith('.rewrite-'))
    expect(leftovers.every((n) => /^\.rewrite-\d\.jsonl\.[0-9a-f]{8}\.tmp$/.test(n))).toBe(true)
    console.log(`rewrite kills: 20, completed rewrites reported: ${rewrites}, states seen: ${[...seen].join(', ')}, temp files left: ${leftovers.length}`)
  }, 90_000)
})
