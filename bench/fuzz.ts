/**
 * `npm run bench:fuzz [-- --cases N] [-- --seed S]`: header mutants of a generated model, each taken through a real core
 * in a worker process as a user would take a dropped file (inspect, estimate, load, one turn). Counts what crashed the
 * worker, what hung it (no answer in 60 s), what got a stable error code, what got none (`INTERNAL` or a throw), and
 * what ran. Target: 0 crashed, 0 hung, 0 uncoded. Writes bench-results/fuzz.md; the crashing, hanging and uncoded
 * files are kept in bench-results/fuzz-failures/ to reproduce.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import type { Readable, Writable } from 'node:stream'
import { scanGgufHeader } from '../src/shared/gguf/scanGgufHeader'
import { getShapePath } from '../test/helpers/fixtures'
import { rng } from '../test/helpers/random'
import type { FuzzAnswer } from './fuzzWorker'

const argValue = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`)
  return at >= 0 ? Number(process.argv[at + 1]) : fallback
}
const CASES = argValue('cases', 10_000)
const SEED = argValue('seed', 1)
const CASE_TIMEOUT_MS = 60_000
const outDir = join(import.meta.dirname, '../bench-results')

const INTERESTING = [0, 1, 2, 3, 7, 0xff, 0x100, 600, 0x7fff, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff]

/** The header of the base file with 1–8 mutations: bit flips, random bytes, and interesting 32-bit values. */
function mutate(header: Buffer, index: number): Buffer {
  const random = rng(SEED * 1_000_003 + index)
  const out = Buffer.from(header)
  const count = 1 + Math.floor(random() * 8)
  for (let i = 0; i < count; i++) {
    const at = 4 + Math.floor(random() * (out.length - 8))
    const kind = random()
    if (kind < 0.4) out[at] = out[at]! ^ (1 << Math.floor(random() * 8))
    else if (kind < 0.7) out[at] = Math.floor(random() * 256)
    else out.writeUInt32LE(INTERESTING[Math.floor(random() * INTERESTING.length)]!, at - (at % 4))
  }
  return out
}

type Worker = { child: ChildProcessByStdio<Writable, Readable, null>; next: () => Promise<string | null> }

async function startWorker(models: string, sessions: string): Promise<Worker> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fuzzWorker.ts')], {
    stdio: ['pipe', 'pipe', 'ignore'],
    env: { ...process.env, FUZZ_MODELS: models, FUZZ_SESSIONS: sessions },
  })
  const lines = createInterface({ input: child.stdout })
  const queue: string[] = []
  const waiting: ((line: string | null) => void)[] = []
  lines.on('line', (line) => (waiting.length ? waiting.shift()!(line) : queue.push(line)))
  child.on('exit', () => waiting.splice(0).forEach((resolve) => resolve(null)))
  const next = () => (queue.length ? Promise.resolve(queue.shift()!) : new Promise<string | null>((resolve) => (child.exitCode !== null ? resolve(null) : waiting.push(resolve))))
  if ((await next()) !== 'ready') throw new Error('The fuzz worker did not start.')
  return { child, next }
}

async function main(): Promise<void> {
  const started = performance.now()
  const base = await getShapePath('tiny')
  const bytes = await readFile(base)
  const headerBytes = scanGgufHeader(bytes, bytes.length).dataOffset
  const header = bytes.subarray(0, headerBytes)
  const body = bytes.subarray(headerBytes)
  const work = await mkdtemp(join(os.tmpdir(), 'arbor-fuzz-'))
  const models = join(work, 'models')
  const failures = join(outDir, 'fuzz-failures')
  await Promise.all([mkdir(models, { recursive: true }), mkdir(failures, { recursive: true })])

  const counts = { crashed: 0, hung: 0, uncoded: 0, coded: 0, ran: 0 }
  const byStageAndCode = new Map<string, number>()
  const bad: string[] = []
  // Written every 500 cases too: a long run that is cut short keeps what it found.
  const writeReport = async (done: number): Promise<string> => {
    const seconds = (performance.now() - started) / 1000
    const rows = [...byStageAndCode].sort((a, b) => b[1] - a[1]).map(([k, n]) => `| ${k} | ${n} |`)
    const report = [
      '# Fuzz: header mutants of a generated model, through a real core',
      '',
      `${done < CASES ? `${done.toLocaleString('en-US')} of ` : ''}${CASES.toLocaleString('en-US')} mutants (seed ${SEED}${done < CASES ? ', still running' : ''}) of the tiny shape's ${headerBytes.toLocaleString('en-US')}-byte header (1–8 bit flips, random bytes`,
      'or interesting 32-bit values each), each dropped on a core in a worker process (inspect, then estimate, load with',
      `override and one 8-token turn when the step before passed). ${seconds.toFixed(0)} s on ${os.cpus().length} cores.`,
      '',
      '| outcome | count | target |',
      '|---|---|---|',
      `| crashed (the worker died) | ${counts.crashed} | 0 |`,
      `| hung (no answer in ${CASE_TIMEOUT_MS / 1000} s) | ${counts.hung} | 0 |`,
      `| uncoded (\`INTERNAL\` or no code) | ${counts.uncoded} | 0 |`,
      `| refused with a stable code | ${counts.coded} | — |`,
      `| ran (answered a turn) | ${counts.ran} | — |`,
      '',
      '| stage: code | count |',
      '|---|---|',
      ...rows,
      '',
      ...(bad.length ? ['Failures (files in bench-results/fuzz-failures/):', '', ...bad.slice(0, 50).map((b) => `- ${b}`)] : ['No failures.']),
      '',
    ].join('\n')
    await writeFile(join(outDir, 'fuzz.md'), report)
    return report
  }
  let worker = await startWorker(models, join(work, 'sessions'))
  for (let index = 0; index < CASES; index++) {
    const path = join(models, `mutant-${index}.gguf`)
    await writeFile(path, Buffer.concat([mutate(header, index), body]))
    worker.child.stdin.write(`${JSON.stringify({ index, path })}\n`)
    let timer: NodeJS.Timeout | undefined
    const line = await Promise.race([worker.next(), new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), CASE_TIMEOUT_MS)))])
    clearTimeout(timer)
    let outcome: keyof typeof counts
    let key: string
    if (line === 'hung' || line === null) {
      outcome = line === 'hung' ? 'hung' : 'crashed'
      key = outcome
      worker.child.kill('SIGKILL')
      worker = await startWorker(models, join(work, 'sessions'))
    } else {
      const answer = JSON.parse(line) as FuzzAnswer
      key = `${answer.stage}: ${answer.code ?? 'no code'}`
      outcome = answer.stage === 'done' ? 'ran' : !answer.code || answer.code === 'INTERNAL' ? 'uncoded' : 'coded'
      if (outcome === 'uncoded') key += ` (${answer.message?.slice(0, 120)})`
    }
    counts[outcome] += 1
    byStageAndCode.set(key, (byStageAndCode.get(key) ?? 0) + 1)
    if (outcome === 'crashed' || outcome === 'hung' || outcome === 'uncoded') {
      bad.push(`case ${index}: ${key}`)
      await copyFile(path, join(failures, `case-${index}-${outcome}.gguf`))
    }
    await rm(path, { force: true })
    if ((index + 1) % 500 === 0) {
      process.stderr.write(`fuzz: ${index + 1} of ${CASES} (${JSON.stringify(counts)})\n`)
      await writeReport(index + 1)
    }
  }
  worker.child.stdin.end()
  await rm(work, { recursive: true, force: true })

  process.stdout.write(await writeReport(CASES))
}

await main()
