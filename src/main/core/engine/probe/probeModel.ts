import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { ArborFailure } from '../../../../shared/errors'
import { childScriptPath, moduleFolder, type ChildScript } from '../../childScripts'
import type { ProbeLine, ProbeStage } from './probeMain'

export type ProbeOptions = {
  /**
   * How much time the probe may take before the file is refused as `GGUF_TOO_SLOW`. Defaults to 20 s. Where the
   * system says what a process used (Linux), it is the probe's CPU time: a busy machine that starves the probe does
   * not make a good file "too slow"; a looping template, which spins, is still stopped. Wall time is then capped at
   * four times as much (and at least 60 s), elsewhere it is the limit itself.
   */
  timeoutMs?: number
  /** The probe script. Defaults to `out/main/probeMain.mjs` in a built app, else `probeMain.ts` bundled. */
  script?: string
  /**
   * Where the files that passed are remembered (by path, size, mtime and probe script), so that a restart does not
   * probe them again. Defaults to `<tmp>/arbor-probe-<user id>`; `null` remembers nothing on disk.
   */
  passedFolder?: string | null
}

/** The outcome for a file that passed: warnings to show with its facts (empty when the probe ran). */
export type ProbeResult = { warnings: string[] }

const DEFAULT_TIMEOUT_MS = 20_000
const CPU_POLL_MS = 200
/** Clock ticks per second in `/proc/<pid>/stat` (`USER_HZ`): 100 on every Linux Node runs on. */
const USER_HZ = 100
const VERDICTS_KEPT = 256
const STDERR_KEPT = 16 * 1024
const STDOUT_LIMIT = 64 * 1024

const probeScript: ChildScript = { entry: new URL('./probeMain.ts', import.meta.url), prebuiltName: 'probeMain.mjs', format: 'esm', external: ['node-llama-cpp'] }

const doing: Record<ProbeStage, string> = {
  start: 'starting',
  header: 'reading its header',
  estimate: 'simulating its memory use',
  vocabulary: 'reading its vocabulary',
  template: 'rendering its chat template',
  done: 'finishing',
}

/** Verdicts by file and fingerprint (size and mtime): a file is probed once until it changes. */
const verdicts = new Map<string, Promise<ProbeResult>>()
/** One probe at a time: each is a process with its own copy of llama.cpp. */
let queue: Promise<unknown> = Promise.resolve()

/**
 * Runs llama.cpp's pre-load work on `path` in a child process (see `probeMain.ts`): resolves when the file survived
 * it, throws `GGUF_CORRUPT` (llama.cpp aborted or refused it, with its reason) or `GGUF_TOO_SLOW` (it did not finish
 * in time: a looping chat template) otherwise. When the probe itself cannot run, resolves with a warning rather than
 * refusing a file it never examined.
 */
export function probeModelFile(path: string, fingerprint: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  const key = `${path}\n${fingerprint}`
  const known = verdicts.get(key)
  if (known) return known
  const verdict = queue.then(() => runProbe(path, fingerprint, options))
  queue = verdict.catch(() => undefined)
  verdicts.set(key, verdict)
  for (const oldest of verdicts.keys()) {
    if (verdicts.size <= VERDICTS_KEPT) break
    verdicts.delete(oldest)
  }
  return verdict
}

/** The last line of llama.cpp's stderr that says why, without the source location prefix. */
export function abortReason(stderr: string): string | null {
  const lines = stderr.split('\n').map((line) => line.trim()).filter(Boolean)
  const line = lines.findLast((l) => /GGML_ASSERT|GGML_ABORT|error|failed|terminate|what\(\)/i.test(l)) ?? lines.at(-1)
  if (!line) return null
  return line.replace(/^.*?:\d+:\s*/, '').slice(0, 300)
}

/** The marker file that says this file, unchanged, passed this probe script. */
async function passedMarker(folder: string | null, script: string, path: string, fingerprint: string): Promise<string | null> {
  if (!folder) return null
  const [scriptInfo, fileInfo] = await Promise.all([stat(script).catch(() => null), stat(path).catch(() => null)])
  if (!scriptInfo || !fileInfo) return null
  // The inode and change time too: a file rewritten with its old size and mtime put back is not the file that passed.
  const file = `${path}\0${fingerprint}\0${fileInfo.ino}:${fileInfo.ctimeMs}`
  const key = createHash('sha256').update(`${file}\0${script}\0${scriptInfo.size}:${scriptInfo.mtimeMs}`).digest('hex')
  return join(folder, key.slice(0, 40))
}

async function runProbe(path: string, fingerprint: string, options: ProbeOptions): Promise<ProbeResult> {
  let script: string
  try {
    script = options.script ?? (await childScriptPath(probeScript, moduleFolder(import.meta.url)))
  } catch (error) {
    return unavailable((error as Error).message)
  }
  const folder = options.passedFolder === undefined ? join(os.tmpdir(), `arbor-probe-${os.userInfo().uid}`) : options.passedFolder
  const marker = await passedMarker(folder, script, path, fingerprint)
  const owner = process.getuid?.()
  if (marker && (await stat(marker).then((s) => owner === undefined || s.uid === owner, () => false))) return { warnings: [] }
  const result = await spawnProbe(script, path, options)
  if (marker && folder && !result.warnings.length)
    await mkdir(folder, { recursive: true, mode: 0o700 })
      .then(() => writeFile(marker, `${path}\n`))
      .catch(() => undefined)
  return result
}

function spawnProbe(script: string, path: string, options: ProbeOptions): Promise<ProbeResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const env: NodeJS.ProcessEnv = { ...process.env, ...(process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {}) }
  delete env.NODE_OPTIONS
  return new Promise<ProbeResult>((resolve, reject) => {
    const child = spawn(process.execPath, [script, JSON.stringify({ path })], { stdio: ['ignore', 'pipe', 'pipe'], env, windowsHide: true })
    let stdout = ''
    let stderr = ''
    let timedOut: 'cpu' | 'wall' | null = null
    const stop = (clock: 'cpu' | 'wall') => {
      timedOut ??= clock
      child.kill('SIGKILL')
    }
    const pid = process.platform === 'linux' ? child.pid : undefined
    const wallMs = pid !== undefined ? Math.max(4 * timeoutMs, 60_000) : timeoutMs
    const timer = setTimeout(() => stop('wall'), wallMs)
    const poll =
      pid !== undefined
        ? setInterval(() => {
            void cpuTimeMs(pid).then((used) => {
              if (used !== null && used > timeoutMs) stop('cpu')
            })
          }, CPU_POLL_MS)
        : undefined
    const clearTimers = () => {
      clearTimeout(timer)
      clearInterval(poll)
    }
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (stdout.length < STDOUT_LIMIT) stdout += chunk
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEPT)
    })
    child.on('error', (error) => {
      clearTimers()
      resolve(unavailable(error.message))
    })
    child.on('close', (code, signal) => {
      clearTimers()
      const lines = stdout.split('\n').flatMap((line): ProbeLine[] => {
        try {
          return line ? [JSON.parse(line) as ProbeLine] : []
        } catch {
          return []
        }
      })
      const last = lines.at(-1)
      const reached = [...lines].reverse().find((l): l is { stage: ProbeStage } => l.stage !== 'failed')?.stage ?? 'start'
      if (last?.stage === 'done') return resolve({ warnings: [] })
      const spent = timedOut === 'cpu' ? `${timeoutMs / 1000} s of computing` : `${wallMs / 1000} s`
      if (timedOut)
        return reject(
          new ArborFailure(
            'GGUF_TOO_SLOW',
            reached === 'template'
              ? `Arbor did not load this file: its chat template was still rendering after ${spent} (it probably loops). Loading it would freeze the app.`
              : `Arbor did not load this file: ${doing[reached]} took more than ${spent}.`,
          ),
        )
      if (last?.stage === 'failed') {
        if (last.at === 'start') return resolve(unavailable(last.message))
        const said = abortReason(stderr)
        return reject(new ArborFailure('GGUF_CORRUPT', `llama.cpp could not use this file (${doing[last.at]}): ${last.message}${said && !last.message.includes(said) ? ` (llama.cpp: ${said})` : ''}`))
      }
      // Nothing of the file was touched yet: the probe, not the file, failed.
      if (reached === 'start') return resolve(unavailable(abortReason(stderr) ?? `exit ${code ?? signal}`))
      const reason = abortReason(stderr)
      reject(
        new ArborFailure(
          'GGUF_CORRUPT',
          `llama.cpp stopped on this file while ${doing[reached]}${reason ? `: ${reason}` : ` (${signal ?? `exit code ${code}`})`}. In Arbor itself that would have closed the app; the file is damaged or was made to crash it.`,
        ),
      )
    })
  })
}

/** The CPU time (user and system) a process has used, from `/proc/<pid>/stat`; null when it cannot be read. */
export async function cpuTimeMs(pid: number): Promise<number | null> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null)
  // The command name (field 2) is in parentheses and may hold spaces: the fields after its closing one are fixed.
  const fields = text?.slice(text.lastIndexOf(')') + 2).split(' ')
  const user = Number(fields?.[11])
  const system = Number(fields?.[12])
  if (!Number.isFinite(user) || !Number.isFinite(system)) return null
  return ((user + system) * 1000) / USER_HZ
}

function unavailable(reason: string): ProbeResult {
  process.stderr.write(`arbor: the model probe could not run (${reason}); the file was not examined in a separate process\n`)
  return { warnings: [`Arbor could not examine this file in a separate process first (${reason.slice(0, 200)}); a damaged file could close the app.`] }
}
