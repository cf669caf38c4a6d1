/**
 * `npm run bench:api`: a Pi-like agent trace replayed against Arbor's OpenAI-compatible API, and against
 * llama-server when `LLAMA_SERVER` names one (built from the llama.cpp source node-llama-cpp ships), with the same
 * model, context and parallel slots. The trace: Pi 0.73.1's own system prompt and four tools (captured from a real
 * run, bench/fixtures), a project context, ten turns, three `/tree`-style jumps back to earlier points. Per request:
 * prompt tokens, tokens evaluated (prompt less what the KV cache held), time to first token. Writes
 * bench-results/api-trace.md and .json. Target: Arbor evaluates at most half the tokens llama-server does, with time
 * to first token no worse.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { ArborCore } from '../src/main/core/ArborCore'
import { makeLlamaModel, type LlamaShape } from '../src/main/core/gguf-writer/makeLlamaModel'
import { shapes } from '../src/main/core/gguf-writer/shapes'
import { fixturePath } from '../test/helpers/fixtures'
import { machineLoad } from './stats'

/**
 * The `small` shape trained for a long context: the generated vocabulary reads about 1.4 characters a token (a
 * real one about 4), so Pi's prompt and tools alone are ~3,800 tokens; llama-server caps a slot at the training context.
 */
const SHAPE = 'small-32k'
const shape: LlamaShape = { ...shapes.small, nCtxTrain: 32_768 }
const CONTEXT = 12_288
const SLOTS = 2
const THREADS = 2
const REPEATS = Number(process.env.BENCH_REPEATS ?? 2)
const outDir = join(import.meta.dirname, '../bench-results')
const pi = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures/pi-0.73.1-request.json'), 'utf8')) as { system: string; tools: unknown[] }

type Message = { role: 'system' | 'user' | 'assistant' | 'tool'; content: string | null; tool_calls?: unknown[]; tool_call_id?: string }

const project = Array.from({ length: 12 }, (_, i) => `- Module ${i}: src/module${i}.ts exports handler${i}(input) and is tested in test/module${i}.test.ts; keep its public API stable.`).join('\n')
const SYSTEM = `${pi.system}\n\n# Project context\n\n## AGENTS.md\n\nThis repository is a TypeScript service. Rules:\n${project}`

/** One turn of the recorded conversation: what the user asked, the tool round the agent ran, its answer. */
function turn(i: number): Message[] {
  const call = { id: `call_${i}`, type: 'function', function: { name: 'read', arguments: JSON.stringify({ path: `src/module${i}.ts` }) } }
  const file = Array.from({ length: 6 }, (_, l) => `export function step${i}_${l}(x: number): number { return x * ${l + 1} + ${i} }`).join('\n')
  return [
    { role: 'user', content: `Step ${i}: look at src/module${i}.ts and tell me what handler${i} does.` },
    { role: 'assistant', content: null, tool_calls: [call] },
    { role: 'tool', tool_call_id: `call_${i}`, content: file },
    { role: 'assistant', content: `handler${i} composes ${12} small steps; each multiplies its input and adds ${i}. Nothing else depends on it.` },
  ]
}

/** The requests, in order: each sends a history and a new question (the reply is the recorded one, not the model's). */
function trace(): { label: string; messages: Message[] }[] {
  const main = Array.from({ length: 6 }, (_, i) => turn(i + 1))
  const upTo = (n: number) => [{ role: 'system' as const, content: SYSTEM }, ...main.slice(0, n).flat()]
  const ask = (history: Message[], text: string) => [...history, { role: 'user' as const, content: text }]
  const requests: { label: string; messages: Message[] }[] = []
  for (let n = 0; n < 6; n++) requests.push({ label: `turn ${n + 1}`, messages: [...upTo(n), ...main[n]!.slice(0, 3)] })
  const branch = ask(upTo(3), 'Go back: instead, rename handler3 to parseInput everywhere.')
  requests.push({ label: 'jump to turn 3, branch', messages: branch })
  requests.push({ label: 'branch, next turn', messages: ask([...branch, { role: 'assistant', content: 'Renamed in 4 files.' }], 'Now run the tests.') })
  requests.push({ label: 'jump to turn 5', messages: ask(upTo(5), 'Back on the main line: summarise modules 1 to 5.') })
  requests.push({ label: 'jump to turn 1', messages: ask(upTo(1), 'Start over from the first answer: what would you refactor first?') })
  return requests
}

type Measured = { label: string; promptTokens: number; evaluated: number; ttftMs: number }
type Usage = { prompt_tokens: number; prompt_tokens_details?: { cached_tokens?: number } }
type Timings = { prompt_n?: number; cache_n?: number }

/** Replays the trace against a server: streamed, 8 tokens each, usage (and llama-server's timings) read from the stream. */
async function replay(baseUrl: string): Promise<Measured[]> {
  const out: Measured[] = []
  for (const request of trace()) {
    const started = performance.now()
    const res = await fetch(`${baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: request.messages, tools: pi.tools, stream: true, stream_options: { include_usage: true }, max_completion_tokens: 8, temperature: 0 }),
    })
    if (!res.ok || !res.body) throw new Error(`${baseUrl}: ${res.status} ${await res.text()}`)
    let ttft: number | null = null
    const seen: { usage: Usage | null; timings: Timings | null } = { usage: null, timings: null }
    let buffer = ''
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += Buffer.from(chunk).toString('utf8')
      let at: number
      while ((at = buffer.indexOf('\n\n')) >= 0) {
        const line = buffer.slice(0, at).trim()
        buffer = buffer.slice(at + 2)
        if (!line.startsWith('data: ') || line === 'data: [DONE]') continue
        const data = JSON.parse(line.slice(6)) as { choices?: { delta?: { content?: string; tool_calls?: unknown[] }; finish_reason?: string | null }[]; usage?: Usage; timings?: Timings }
        const choice = data.choices?.[0]
        if (ttft === null && choice && (choice.delta?.content || choice.delta?.tool_calls || choice.finish_reason)) ttft = performance.now() - started
        if (data.usage) seen.usage = data.usage
        if (data.timings) seen.timings = data.timings
      }
    }
    const { usage, timings } = seen
    const promptTokens = usage?.prompt_tokens ?? (timings ? (timings.prompt_n ?? 0) + (timings.cache_n ?? 0) : 0)
    // llama-server's timings say what it evaluated; otherwise the prompt less what the cache held.
    const evaluated = timings?.prompt_n ?? promptTokens - (usage?.prompt_tokens_details?.cached_tokens ?? 0)
    out.push({ label: request.label, promptTokens, evaluated, ttftMs: ttft ?? performance.now() - started })
  }
  return out
}

async function withArbor(model: string): Promise<Measured[]> {
  const root = join(outDir, 'api-trace-arbor')
  const core = await ArborCore.create({ modelsFolder: join(root, 'models'), sessionsFolder: join(root, 'sessions'), piSessionsFolder: null, transport: 'headless', watchModels: false })
  try {
    const loaded = await core.request('model.load', { path: model, settings: { contextSize: CONTEXT, sequences: SLOTS, gpuLayers: 0, kvCacheType: 'F16', threads: THREADS } })
    if (!loaded.ok) throw new Error(loaded.error.message)
    const status = await core.api.start({ port: 0 }, false)
    return await replay(status.baseUrl!)
  } finally {
    await core.dispose()
  }
}

async function withLlamaServer(binary: string, model: string): Promise<Measured[]> {
  const port = 18_000 + Math.floor(Math.random() * 2000)
  // The same context per slot as Arbor's per sequence (llama-server's -c is shared by its slots).
  const child: ChildProcess = spawn(binary, ['-m', model, '-c', String(CONTEXT * SLOTS), '-np', String(SLOTS), '-t', String(THREADS), '--host', '127.0.0.1', '--port', String(port), '--jinja'], { stdio: 'ignore' })
  try {
    const base = `http://127.0.0.1:${port}`
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`llama-server exited with ${child.exitCode}`)
      const ok = await fetch(`${base}/health`).then((r) => r.ok, () => false)
      if (ok) break
      if (i > 600) throw new Error('llama-server did not start in 60 s')
      await new Promise((r) => setTimeout(r, 100))
    }
    return await replay(`${base}/v1`)
  } finally {
    child.kill('SIGTERM')
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const sum = (runs: Measured[], key: 'evaluated' | 'promptTokens') => runs.reduce((n, r) => n + r[key], 0)

async function main() {
  await mkdir(outDir, { recursive: true })
  const model = await fixturePath(`shape-${SHAPE}`, (path) => makeLlamaModel(path, shape), shape)
  const binary = process.env.LLAMA_SERVER && existsSync(process.env.LLAMA_SERVER) ? process.env.LLAMA_SERVER : null
  const load = machineLoad()
  const arbor: Measured[][] = []
  const llama: Measured[][] = []
  // Interleaved, each on a fresh server (cold caches), so that a noisy neighbour hits both alike.
  for (let r = 0; r < REPEATS; r++) {
    arbor.push(await withArbor(model))
    if (binary) llama.push(await withLlamaServer(binary, model))
    console.log(`repeat ${r + 1} of ${REPEATS} done`)
  }
  const rows = arbor[0]!.map((a, i) => ({
    label: a.label,
    promptTokens: a.promptTokens,
    arborEvaluated: a.evaluated,
    arborTtftMs: median(arbor.map((run) => run[i]!.ttftMs)),
    llamaPromptTokens: llama[0]?.[i]?.promptTokens ?? null,
    llamaEvaluated: llama[0]?.[i]?.evaluated ?? null,
    llamaTtftMs: llama.length ? median(llama.map((run) => run[i]!.ttftMs)) : null,
  }))
  const totals = {
    promptTokens: sum(arbor[0]!, 'promptTokens'),
    arborEvaluated: sum(arbor[0]!, 'evaluated'),
    llamaPromptTokens: llama[0] ? sum(llama[0], 'promptTokens') : null,
    llamaEvaluated: llama[0] ? sum(llama[0], 'evaluated') : null,
    arborTtftMs: rows.reduce((n, r) => n + r.arborTtftMs, 0),
    llamaTtftMs: llama.length ? rows.reduce((n, r) => n + (r.llamaTtftMs ?? 0), 0) : null,
  }
  const fmt = (n: number | null) => (n === null ? '—' : Math.round(n).toLocaleString('en-US'))
  const lines = [
    '# API trace: a Pi-like agent session replayed',
    '',
    `Model: generated \`${SHAPE}\` shape (${model.split('/').at(-1)}), context ${CONTEXT} per sequence, ${SLOTS} sequences/slots, ${THREADS} threads, CPU. ` +
      `${REPEATS} replays each, interleaved, each on a fresh server; time to first token is the median, tokens are the same every replay. Machine load at start: ${load.loadAverage.toFixed(1)} on ${load.cores} cores.`,
    binary ? `llama-server: \`${binary}\` (-c ${CONTEXT * SLOTS} -np ${SLOTS}, its defaults otherwise: prompt cache on).` : 'llama-server was not given (`LLAMA_SERVER`): Arbor alone.',
    '',
    'Each server renders the prompt with its own template code (node-llama-cpp documents the tools in the prompt its own way, llama-server through the jinja template), so their prompt tokens differ.',
    '',
    '| Request | Arbor prompt | Arbor evaluated | llama-server prompt | llama-server evaluated | Arbor first token (ms) | llama-server first token (ms) |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.label} | ${fmt(r.promptTokens)} | ${fmt(r.arborEvaluated)} | ${fmt(r.llamaPromptTokens)} | ${fmt(r.llamaEvaluated)} | ${fmt(r.arborTtftMs)} | ${fmt(r.llamaTtftMs)} |`),
    `| **total** | ${fmt(totals.promptTokens)} | ${fmt(totals.arborEvaluated)} | ${fmt(totals.llamaPromptTokens)} | ${fmt(totals.llamaEvaluated)} | ${fmt(totals.arborTtftMs)} | ${fmt(totals.llamaTtftMs)} |`,
    '',
    totals.llamaEvaluated !== null
      ? `Arbor evaluated ${((100 * totals.arborEvaluated) / Math.max(1, totals.llamaEvaluated)).toFixed(0)}% of the tokens llama-server evaluated (target: at most 50%), ` +
        `${((100 * totals.arborEvaluated) / Math.max(1, totals.promptTokens)).toFixed(0)}% of its prompt tokens against llama-server's ${((100 * totals.llamaEvaluated) / Math.max(1, totals.llamaPromptTokens ?? 1)).toFixed(0)}%; ` +
        `its summed time to first token was ${(totals.arborTtftMs / Math.max(1, totals.llamaTtftMs ?? 1)).toFixed(2)}× llama-server's (target: at most 1×).`
      : `Arbor evaluated ${((100 * totals.arborEvaluated) / Math.max(1, totals.promptTokens)).toFixed(0)}% of the prompt tokens it was sent.`,
  ]
  await writeFile(join(outDir, 'api-trace.md'), `${lines.join('\n')}\n`)
  await writeFile(join(outDir, 'api-trace.json'), JSON.stringify({ shape: SHAPE, context: CONTEXT, slots: SLOTS, threads: THREADS, rows, totals, arbor, llama }, null, 2))
  console.log(lines.join('\n'))
}

await main()
