import { LlamaCompletion, type Token } from 'node-llama-cpp'
import { EventChannel } from '../../../shared/eventChannel'
import type { EngineEvent, Sampling, StopReason } from '../../../shared/engine/engineTypes'
import { samplingOptions } from './generateOnSlot'
import { commonPrefixLength, type Slot } from './SequenceScheduler'

export type SlotCompletion = {
  /** The prompt's tokens as the sequence will hold them (BOS first when the model wants one). */
  prompt: readonly Token[]
  /** The same without the BOS, which the completion prepends itself. */
  text: readonly Token[]
  sampling: Sampling
  signal: AbortSignal
  started: number
  threads: number
  modelName: string
}

/**
 * A raw completion (no chat template: the prompt text continued) on one sequence, as events: `started`, the text
 * as it comes, `end`. The tokens the sequence holds already are kept. Never throws.
 */
export async function* completeOnSlot(slot: Slot, c: SlotCompletion): AsyncGenerator<EngineEvent> {
  const { sequence } = slot
  const cached = Math.min(commonPrefixLength(sequence.contextTokens, c.prompt), Math.max(0, c.prompt.length - 1))
  const meterBefore = sequence.tokenMeter.getState()
  const events = new EventChannel<EngineEvent>()
  const local = new AbortController()
  const signal = AbortSignal.any([c.signal, local.signal])
  events.push({ type: 'started', sequence: slot.index, promptTokens: c.prompt.length, reusedTokens: cached })
  let text = ''
  let firstTokenAt: number | null = null
  let lastTokenAt = 0
  let generated = 0
  const roomLeft = Math.max(1, sequence.contextSize - c.prompt.length - Math.ceil(sequence.contextSize / 10) - 1)
  const finish = (reason: StopReason, error?: string): EngineEvent => {
    const ended = performance.now()
    const meter = sequence.tokenMeter.diff(meterBefore)
    const evaluatedTokens = Math.min(c.prompt.length, Math.max(c.prompt.length - cached, meter.usedInputTokens))
    const genMs = firstTokenAt === null ? 0 : lastTokenAt - firstTokenAt
    const end: EngineEvent = {
      type: 'end',
      reason,
      text,
      reasoning: '',
      toolCalls: [],
      model: c.modelName,
      stats: {
        promptTokens: c.prompt.length,
        reusedTokens: c.prompt.length - evaluatedTokens,
        evaluatedTokens,
        contextSize: sequence.contextSize,
        generatedTokens: Math.max(generated, meter.usedOutputTokens),
        timeToFirstTokenMs: (firstTokenAt ?? ended) - c.started,
        tokensPerSecond: generated > 1 && genMs > 0 ? ((generated - 1) * 1000) / genMs : 0,
        totalMs: ended - c.started,
        stopReason: reason,
        threads: c.threads,
      },
    }
    if (error !== undefined) end.error = { code: 'GENERATION_FAILED', message: `The model failed while answering: ${error}` }
    return end
  }
  const completion = new LlamaCompletion({ contextSequence: sequence, autoDisposeSequence: false })
  const options = samplingOptions(c.sampling, roomLeft)
  const run = completion
    .generateCompletionWithMeta(c.text as Token[], {
      ...options,
      repeatPenalty: options.repeatPenalty === false ? undefined : options.repeatPenalty,
      signal,
      stopOnAbortSignal: true,
      // A prompt past the window is refused before this; the window never shifts silently.
      disableContextShift: true,
      onToken: (tokens) => {
        lastTokenAt = performance.now()
        firstTokenAt ??= lastTokenAt
        generated += tokens.length
      },
      onTextChunk: (chunk) => {
        text += chunk
        events.push({ type: 'text', text: chunk })
      },
    })
    .then(
      (response) => {
        text = response.response
        const reason = response.metadata.stopReason
        events.push(finish(reason === 'abort' ? 'stopped' : reason === 'maxTokens' ? 'maxTokens' : 'eos'))
      },
      (error: unknown) => events.push(signal.aborted ? finish('stopped') : finish('error', (error as Error)?.message ?? String(error))),
    )
    .finally(() => {
      completion.dispose({ disposeSequence: false })
      events.close()
    })
  try {
    yield* events
  } finally {
    local.abort()
    await run
  }
}
