import { LocalEngine } from '../src/main/core/engine'
import type { EngineEnd } from '../src/shared/engine/engineTypes'
import { fileRef } from '../src/shared/engine/engineTypes'
import type { ContextMessage } from '../src/shared/extensions/ExtensionEvents'
import type { LoadSettings } from '../src/shared/types'

type TurnMessage = ContextMessage

export type BranchSwitchResult = {
  sharedPrefixTokens: number
  /** Time to first token when switching to a sibling branch with Arbor's warm sequences. */
  switchTtftMs: number
  switchEvaluatedTokens: number
  /** Time to first token when only the new suffix is evaluated on a warm path (the floor). */
  suffixOnlyTtftMs: number
  /** Time to first token when the whole path is evaluated again (one sequence, naive). */
  naiveTtftMs: number
  naiveEvaluatedTokens: number
}

/**
 * Branch switch on one model: a long shared prefix, branch A, then a sibling branch B.
 * Arbor (2 sequences) should pay about what evaluating B's suffix costs; the naive way
 * (1 sequence, or a plain chat) re-evaluates the shared prefix too.
 */
export async function benchBranchSwitch(path: string, threads: number, prefixWords: number): Promise<BranchSwitchResult> {
  const engine = await LocalEngine.create()
  const gpu = (await engine.info()).hardware.gpu.backend !== false
  const settings: LoadSettings = { contextSize: 4096, sequences: 2, gpuLayers: gpu ? 999 : 0, kvCacheType: 'F16', threads }
  const shared = 'The oak tree spreads its branches over the river and the roots hold the bank. '.repeat(Math.ceil(prefixWords / 16))
  const turn = async (_engine: LocalEngine, messages: TurnMessage[]): Promise<EngineEnd> => {
    for await (const event of engine.generate({ systemPrompt: 'You are a helpful assistant.', messages, sampling: { maxTokens: 4 } }))
      if (event.type === 'end') return event
    throw new Error('The generation did not end.')
  }
  const base: TurnMessage[] = [{ role: 'user', text: shared }]

  const runtime = engine
  await engine.load({ ref: fileRef(path), settings, override: true })
  const withAnswerOf = (answer: string): TurnMessage[] => [...base, { role: 'assistant', text: answer }]
  let result: Omit<BranchSwitchResult, 'naiveTtftMs' | 'naiveEvaluatedTokens'> & { firstAnswer: string }
  try {
    const first = await turn(runtime, base)
    const withAnswer = withAnswerOf(first.text)
    await turn(runtime, [...withAnswer, { role: 'user', text: 'Branch A: tell me about the leaves.' }])
    const switched = await turn(runtime, [...withAnswer, { role: 'user', text: 'Branch B: tell me about the bark.' }])
    // The floor: the same suffix once more on the now-warm path B.
    const floor = await turn(runtime, [...withAnswer, { role: 'user', text: 'Branch B: tell me about the bark.' }, { role: 'assistant', text: switched.text }, { role: 'user', text: 'Branch B: tell me about the moss.' }])
    result = {
      sharedPrefixTokens: first.stats.promptTokens,
      switchTtftMs: switched.stats.timeToFirstTokenMs,
      switchEvaluatedTokens: switched.stats.evaluatedTokens,
      suffixOnlyTtftMs: floor.stats.timeToFirstTokenMs,
      firstAnswer: first.text,
    }
  } finally {
    await engine.unload()
  }

  // Naive: a chat that keeps no tree evaluates the whole path of B again.
  const naive = engine
  await engine.load({ ref: fileRef(path), settings: { ...settings, sequences: 1 }, override: true })
  try {
    const switched = await turn(naive, [...withAnswerOf(result.firstAnswer), { role: 'user', text: 'Branch B: tell me about the bark.' }])
    const { firstAnswer: _, ...rest } = result
    return { ...rest, naiveTtftMs: switched.stats.timeToFirstTokenMs, naiveEvaluatedTokens: switched.stats.evaluatedTokens }
  } finally {
    await engine.dispose()
  }
}
