import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { promisify } from 'node:util'

export type LlamaBenchRun = { promptTokensPerSecond: number; generationTokensPerSecond: number }

/** The llama-bench binary named by `LLAMA_BENCH` (built from the llama.cpp source node-llama-cpp ships), or null. */
export function llamaBenchBinary(): string | null {
  const path = process.env.LLAMA_BENCH
  return path && existsSync(path) ? path : null
}

type Entry = { n_prompt: number; n_gen: number; avg_ts: number }

/** One llama-bench run on a file: pp over `promptTokens` and tg over `generateTokens`, with these threads. */
export async function runLlamaBench(binary: string, path: string, o: { threads: number; gpuLayers: number; promptTokens: number; generateTokens: number }): Promise<LlamaBenchRun> {
  const args = ['-m', path, '-p', String(o.promptTokens), '-n', String(o.generateTokens), '-t', String(o.threads), '-ngl', String(o.gpuLayers), '-r', '1', '-o', 'json']
  const { stdout } = await promisify(execFile)(binary, args, { maxBuffer: 16 << 20 })
  const entries = JSON.parse(stdout) as Entry[]
  const pp = entries.find((e) => e.n_prompt > 0 && e.n_gen === 0)
  const tg = entries.find((e) => e.n_gen > 0 && e.n_prompt === 0)
  if (!pp || !tg) throw new Error(`llama-bench gave no pp/tg results: ${stdout.slice(0, 200)}`)
  return { promptTokensPerSecond: pp.avg_ts, generationTokensPerSecond: tg.avg_ts }
}
