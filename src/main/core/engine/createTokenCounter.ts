import { resolveChatWrapper } from 'node-llama-cpp'
import type { ToolForModel } from '../../../shared/extensions/toolTokenCost'
import { getArborLlama } from './getArborLlama'
import { toolPromptTokens } from './renderPrompt'

export type TokenCounter = {
  count(text: string): number
  /** Tokens `tools` add to every prompt with the model's chat template. */
  toolPromptTokens(tools: readonly ToolForModel[]): number
  dispose(): Promise<void>
}

/** A token counter for a model file, from its vocabulary and chat template alone (no weights are loaded). */
export async function createTokenCounter(path: string): Promise<TokenCounter> {
  const llama = await getArborLlama()
  const model = await llama.loadModel({ modelPath: path, vocabOnly: true })
  const wrapper = resolveChatWrapper(model)
  return {
    count: (text) => model.tokenize(text, false).length,
    toolPromptTokens: (tools) => toolPromptTokens(wrapper, model.tokenizer, tools),
    dispose: () => model.dispose(),
  }
}
