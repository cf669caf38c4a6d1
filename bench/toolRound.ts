import { cp, mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { ArborCore } from '../src/main/core/ArborCore'
import type { ArborEvent } from '../src/shared/contract'
import { getToolCallingModelPath } from '../test/helpers/fixtures'

export type ToolRoundMeasurement = {
  rounds: number
  /** From the model's parsed call (its reply stored) to the continuation's start: hooks, host call, result stored. */
  callToContinueMs: { median: number; p95: number }
  /** Tokens evaluated by the continuation after the result (the rest came from the KV cache). */
  evaluatedAfterResult: number
  promptAfterResult: number
}

const percentile = (values: number[], p: number): number => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))] ?? 0

/**
 * One tool round through the whole core, on the generated tool-calling model with the echo test extension: the
 * time Arbor adds between a parsed call and the model going on, and what the continuation re-evaluates.
 */
export async function benchToolRound(rounds: number): Promise<ToolRoundMeasurement> {
  const root = await mkdtemp(join(os.tmpdir(), 'arbor-bench-tools-'))
  const userFolder = join(root, 'extensions')
  await cp(join(import.meta.dirname, '../test/fixtures/extensions/core/echo-tool'), join(userFolder, 'echo-tool'), { recursive: true })
  const core = await ArborCore.create({
    modelsFolder: join(root, 'models'),
    sessionsFolder: join(root, 'sessions'),
    transport: 'headless',
    watchModels: false,
    extensions: { bundledFolder: null, userFolder, watch: false },
    extensionStateFile: join(root, 'extensions.json'),
  })
  const times: number[] = []
  let evaluated = 0
  let prompt = 0
  try {
    const settings = { contextSize: 2048, sequences: 1, gpuLayers: 0, kvCacheType: 'F16' as const, threads: 1 }
    const loaded = await core.request('model.load', { path: await getToolCallingModelPath(), settings })
    if (!loaded.ok) throw new Error(loaded.error.message)
    let calledAt = 0
    const off = core.on((event: ArborEvent) => {
      if (event.type === 'chat.turnEnd' && event.node.stats?.stopReason === 'toolUse') calledAt = performance.now()
      else if (event.type === 'chat.turnStart' && calledAt > 0) {
        times.push(performance.now() - calledAt)
        calledAt = 0
      }
    })
    for (let i = 0; i < rounds; i++) {
      await core.request('session.new', undefined)
      // Tools are off in a new session until asked for.
      await core.request('session.setTools', { enabled: true })
      const turn = await core.request('chat.send', { text: `Round ${i}: say hi through the tool.` })
      if (!turn.ok) throw new Error(turn.error.message)
      evaluated = turn.value.assistant.stats?.evaluatedTokens ?? 0
      prompt = turn.value.assistant.stats?.promptTokens ?? 0
    }
    off()
  } finally {
    await core.dispose()
    await rm(root, { recursive: true, force: true })
  }
  return { rounds, callToContinueMs: { median: percentile(times, 0.5), p95: percentile(times, 0.95) }, evaluatedAfterResult: evaluated, promptAfterResult: prompt }
}
