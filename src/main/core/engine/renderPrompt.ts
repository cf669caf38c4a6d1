import type { ChatModelFunctions, ChatWrapper, Tokenizer } from 'node-llama-cpp'
import type { ToolForModel } from '../../../shared/extensions/toolTokenCost'
import { toolSchemaForModel } from '../../../shared/extensions/toolSchemaForModel'
import { toChatHistory } from './toChatHistory'

/** A short system prompt to measure against: templates put the function docs into the system message. */
const PROBE_SYSTEM_PROMPT = 'You are a helpful assistant.'

/** The tools as node-llama-cpp functions: their schemas as grammar, so arguments always parse. Undefined for none. */
export const toFunctions = (tools: readonly ToolForModel[]): ChatModelFunctions | undefined =>
  tools.length === 0
    ? undefined
    : Object.fromEntries(tools.map((t) => [t.name, { description: t.description, params: toolSchemaForModel(t.parameters) as ChatModelFunctions[string]['params'] }]))

/** Tokens of the prompt the chat template renders for a context and the functions offered. */
export function renderPrompt(wrapper: ChatWrapper, tokenizer: Tokenizer, systemPrompt: string, path: Parameters<typeof toChatHistory>[1], functions: ChatModelFunctions | undefined) {
  const chatHistory = toChatHistory(systemPrompt, path)
  const state = wrapper.generateContextState({ chatHistory, availableFunctions: functions, documentFunctionParams: true })
  return { chatHistory, tokens: state.contextText.tokenize(tokenizer) }
}

/** How many tokens offering `tools` adds to a prompt with this chat template: exactly what the model reads. */
export function toolPromptTokens(wrapper: ChatWrapper, tokenizer: Tokenizer, tools: readonly ToolForModel[]): number {
  if (tools.length === 0) return 0
  const without = renderPrompt(wrapper, tokenizer, PROBE_SYSTEM_PROMPT, [], undefined).tokens.length
  return renderPrompt(wrapper, tokenizer, PROBE_SYSTEM_PROMPT, [], toFunctions(tools)).tokens.length - without
}
