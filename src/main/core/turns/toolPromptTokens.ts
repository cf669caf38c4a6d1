import type { ToolForModel } from '../../../shared/extensions/toolTokenCost'
import type { Engine } from '../engine'

/** A short system prompt to measure against: templates put the function docs into the system message. */
const PROBE_SYSTEM_PROMPT = 'You are a helpful assistant.'

/**
 * How many tokens offering `tools` adds to every prompt with the loaded model's chat template: the prompt rendered
 * with them less the prompt without, so exactly what the model reads. Throws `NO_MODEL_LOADED`.
 */
export async function toolPromptTokens(engine: Engine, tools: readonly ToolForModel[]): Promise<number> {
  if (tools.length === 0) return 0
  const [withTools, without] = await Promise.all([
    engine.promptTokens({ systemPrompt: PROBE_SYSTEM_PROMPT, messages: [], tools: [...tools] }),
    engine.promptTokens({ systemPrompt: PROBE_SYSTEM_PROMPT, messages: [] }),
  ])
  return withTools - without
}
