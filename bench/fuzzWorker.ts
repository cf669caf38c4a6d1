/**
 * One process of the fuzz benchmark (`bench/fuzz.ts`): reads a case per stdin line (`{ index, path }`), takes the file
 * through a real core as a user would (drop: inspect; estimate; load; one turn), answers one line per case. If a file
 * kills this process, the parent sees it die in the middle of that case.
 */
import { createInterface } from 'node:readline'
import { ArborCore } from '../src/main/core/ArborCore'
import type { Result } from '../src/shared/errors'

export type FuzzAnswer = { index: number; stage: 'inspect' | 'estimate' | 'load' | 'turn' | 'done'; code: string | null; message?: string }

const settings = { contextSize: 256, sequences: 1, gpuLayers: 0, kvCacheType: 'F16' as const, threads: 1 }

const core = await ArborCore.create({
  modelsFolder: process.env.FUZZ_MODELS!,
  sessionsFolder: process.env.FUZZ_SESSIONS!,
  transport: 'headless',
  watchModels: false,
  probe: { passedFolder: null },
})

const failed = (r: Result<unknown>) => (r.ok ? null : r.error)

async function run(index: number, path: string): Promise<FuzzAnswer> {
  const inspect = failed(await core.request('model.inspect', { path }))
  if (inspect) return { index, stage: 'inspect', code: inspect.code, message: inspect.message }
  const estimate = failed(await core.request('model.estimate', { path, settings }))
  if (estimate) return { index, stage: 'estimate', code: estimate.code, message: estimate.message }
  const load = failed(await core.request('model.load', { path, settings, override: true }))
  if (load) return { index, stage: 'load', code: load.code, message: load.message }
  try {
    const turn = await core.request('chat.send', { text: 'Hello', maxTokens: 8 })
    if (!turn.ok) return { index, stage: 'turn', code: turn.error.code, message: turn.error.message }
    const error = turn.value.assistant.error
    return error ? { index, stage: 'turn', code: 'GENERATION_FAILED', message: error } : { index, stage: 'done', code: null }
  } finally {
    await core.request('model.unload', undefined)
    await core.request('session.new', undefined)
  }
}

const lines = createInterface({ input: process.stdin })
process.stdout.write('ready\n')
for await (const line of lines) {
  const { index, path } = JSON.parse(line) as { index: number; path: string }
  const answer = await run(index, path).catch((error: unknown): FuzzAnswer => ({ index, stage: 'inspect', code: null, message: String(error) }))
  process.stdout.write(`${JSON.stringify(answer)}\n`)
}
await core.dispose()
