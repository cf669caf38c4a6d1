import type { ChatHistoryItem, ChatModelFunctions, LLamaChatGenerateResponseOptions, LlamaGrammar, Token } from 'node-llama-cpp'
import { EventChannel } from '../../../shared/eventChannel'
import type { EngineEvent, GenerateRequest, ModelToolCall, Sampling, StopReason } from '../../../shared/engine/engineTypes'
import type { TurnStats } from '../../../shared/types'
import { commonPrefixLength, type Slot } from './SequenceScheduler'

export type SlotGeneration = {
  request: GenerateRequest
  chatHistory: ChatHistoryItem[]
  prompt: readonly Token[]
  functions: ChatModelFunctions | undefined
  /** Shapes the answer (a response format); never with `functions`. */
  grammar?: LlamaGrammar | undefined
  signal: AbortSignal
  /** When the request arrived (time to first token counts from there). */
  started: number
  threads: number
  modelName: string
}

type SamplingOptions = Pick<LLamaChatGenerateResponseOptions, 'temperature' | 'maxTokens' | 'topP' | 'topK' | 'minP' | 'seed' | 'repeatPenalty' | 'customStopTriggers'>

/** node-llama-cpp's sampling options for Arbor's. */
export function samplingOptions(sampling: Sampling, roomLeft: number): SamplingOptions {
  const options: SamplingOptions = {
    temperature: sampling.temperature ?? 0,
    // Never past the context: a model that does not stop would slide its window forever.
    maxTokens: Math.max(1, Math.min(sampling.maxTokens ?? roomLeft, roomLeft)),
  }
  if (sampling.topP !== undefined) options.topP = sampling.topP
  if (sampling.topK !== undefined) options.topK = sampling.topK
  if (sampling.minP !== undefined) options.minP = sampling.minP
  if (sampling.seed !== undefined) options.seed = sampling.seed
  // node-llama-cpp's chat applies a repeat penalty unless told not to: off unless asked for (it is not the user's
  // choice otherwise, and it costs work on every token).
  const repeat = sampling.repeatPenalty
  options.repeatPenalty = repeat
    ? {
        penalty: repeat.penalty,
        lastTokens: repeat.lastTokens ?? 64,
        ...(repeat.presencePenalty ? { presencePenalty: repeat.presencePenalty } : {}),
        ...(repeat.frequencyPenalty ? { frequencyPenalty: repeat.frequencyPenalty } : {}),
      }
    : false
  if (sampling.stop?.length) options.customStopTriggers = sampling.stop
  return options
}

/** Prompt tokens evaluated between two progress reports: a long prompt shows how far it has been read. */
const PROMPT_CHUNK = 256

/**
 * Reads the part of the prompt the sequence does not hold yet, a chunk at a time, reporting progress after each;
 * the last token is left for the generation (its logits start the answer). The chat then finds the whole prompt
 * but that token in the KV cache. Only worth it for a prompt longer than one chunk, and only for one that fits.
 */
async function readPrompt(slot: Slot, prompt: readonly Token[], cached: number, signal: AbortSignal, progress: (evaluated: number) => void): Promise<void> {
  const { sequence } = slot
  const last = prompt.length - 1
  // A prompt that does not fit is the chat's to shorten (it knows the history), not the sequence's to shift.
  if (last - cached <= PROMPT_CHUNK || prompt.length >= sequence.contextSize - Math.ceil(sequence.contextSize / 10)) return
  if (sequence.nextTokenIndex > cached) await sequence.eraseContextTokenRanges([{ start: cached, end: sequence.nextTokenIndex }])
  for (let at = cached; at < last && !signal.aborted; ) {
    const end = Math.min(last, at + PROMPT_CHUNK)
    await sequence.evaluateWithoutGeneratingNewTokens(prompt.slice(at, end) as Token[])
    at = end
    progress(at)
  }
}

const stopReasonOf = (reason: string | undefined): StopReason =>
  reason === 'abort' ? 'stopped' : reason === 'maxTokens' ? 'maxTokens' : reason === 'functionCalls' ? 'toolUse' : 'eos'

/**
 * One generation on one sequence, as events: `started`, the text and thoughts as they come, then `end`. The
 * tokens already in the sequence's KV cache are kept (llama.cpp evaluates only the rest). A stop (the signal)
 * ends it as `stopped` with what was written; a failure as `error`. Never throws.
 */
export async function* generateOnSlot(slot: Slot, g: SlotGeneration): AsyncGenerator<EngineEvent> {
  const { sequence, chat } = slot
  const tokensBefore = sequence.contextTokens.slice()
  const meterBefore = sequence.tokenMeter.getState()
  const cachedPrefix = Math.min(commonPrefixLength(tokensBefore, g.prompt), Math.max(0, g.prompt.length - 1))
  const events = new EventChannel<EngineEvent>()
  // A reader that stops reading early ends the generation too.
  const local = new AbortController()
  const signal = AbortSignal.any([g.signal, local.signal])
  events.push({ type: 'started', sequence: slot.index, promptTokens: g.prompt.length, reusedTokens: cachedPrefix })
  let text = ''
  let reasoning = ''
  let firstTokenAt: number | null = null
  let lastTokenAt = 0
  /** Tokens that reached the callbacks (a function call's do not): the rate is measured over these. */
  let streamedTokens = 0
  let generatedTokens = 0
  // LlamaChat starts shifting the window when less than a tenth of the context is free: stop before that.
  const roomLeft = Math.max(1, sequence.contextSize - g.prompt.length - Math.ceil(sequence.contextSize / 10) - 1)
  const finish = (reason: StopReason, toolCalls: ModelToolCall[], error?: string): EngineEvent => {
    const ended = performance.now()
    // What the prompt cost: tokens already in the KV cache were kept, the rest evaluated (at least the last one,
    // whose logits start the answer). The token meter is the measurement; it counts the last prompt token with the
    // generation, so the prefix arithmetic is its floor. A function call's tokens never reach onToken.
    const meter = sequence.tokenMeter.diff(meterBefore)
    generatedTokens = Math.max(generatedTokens, meter.usedOutputTokens)
    const nothingRead = reason === 'error' && meter.usedInputTokens === 0
    const evaluatedTokens = nothingRead ? 0 : Math.min(g.prompt.length, Math.max(g.prompt.length - cachedPrefix, meter.usedInputTokens))
    // The decode rate from the first token to the last: what the chat does after the last one (stop checks, keeping
    // the last token in the cache) is not generation.
    const genMs = firstTokenAt === null ? 0 : lastTokenAt - firstTokenAt
    const rateTokens = streamedTokens > 1 ? streamedTokens : generatedTokens
    const stats: TurnStats = {
      promptTokens: g.prompt.length,
      reusedTokens: g.prompt.length - evaluatedTokens,
      evaluatedTokens,
      contextSize: sequence.contextSize,
      generatedTokens,
      timeToFirstTokenMs: (firstTokenAt ?? ended) - g.started,
      tokensPerSecond: rateTokens > 1 && genMs > 0 ? ((rateTokens - 1) * 1000) / genMs : 0,
      totalMs: ended - g.started,
      stopReason: reason,
      threads: g.threads,
    }
    const end: EngineEvent = { type: 'end', reason, text, reasoning, toolCalls, stats, model: g.modelName }
    if (error !== undefined) end.error = { code: 'GENERATION_FAILED', message: `The model failed while answering: ${error}` }
    return end
  }
  const run = readPrompt(slot, g.prompt, cachedPrefix, signal, (evaluated) => events.push({ type: 'promptProgress', evaluated, total: g.prompt.length }))
    .then(() => {
      if (signal.aborted) throw signal.reason
    })
    .then(() => chat.generateResponse(g.chatHistory, {
      ...(g.functions ? { functions: g.functions, documentFunctionParams: true } : g.grammar ? { grammar: g.grammar } : {}),
      ...samplingOptions(g.request.sampling ?? {}, roomLeft),
      signal,
      stopOnAbortSignal: true,
      onToken: (tokens) => {
        lastTokenAt = performance.now()
        firstTokenAt ??= lastTokenAt
        generatedTokens += tokens.length
        streamedTokens += tokens.length
      },
      onTextChunk: (chunk) => {
        text += chunk
        events.push({ type: 'text', text: chunk })
      },
      onResponseChunk: (chunk) => {
        if (chunk.type !== 'segment' || chunk.segmentType !== 'thought' || !chunk.text) return
        lastTokenAt = performance.now()
        firstTokenAt ??= lastTokenAt
        reasoning += chunk.text
        events.push({ type: 'reasoning', text: chunk.text })
      },
    }))
    .then(
      (response) => {
        text = response.response
        const toolCalls = (response.functionCalls ?? []).map((call) => ({ name: call.functionName, arguments: call.params as unknown }))
        for (const call of toolCalls) events.push({ type: 'toolCall', call })
        events.push(finish(stopReasonOf(response.metadata.stopReason), toolCalls))
      },
      (error: unknown) => {
        // Stopped before the first token (while the prompt was read): what was written, which is nothing.
        if (signal.aborted) events.push(finish('stopped', []))
        else events.push(finish('error', [], (error as Error)?.message ?? String(error)))
      },
    )
    .finally(() => events.close())
  try {
    yield* events
  } finally {
    // The reader stopped early: the generation must still end before the sequence goes to someone else.
    local.abort()
    await run
  }
}
