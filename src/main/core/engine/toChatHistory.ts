import type { ChatHistoryItem, ChatModelFunctionCall, ChatModelResponse } from 'node-llama-cpp'
import type { ContextMessage } from '../../../shared/extensions/ExtensionEvents'

/** What the model reads back as a tool's result: JSON when the stored text is JSON, the error when it failed. */
function resultValue(message: ContextMessage): unknown {
  if (message.isError) return { error: message.text }
  const text = message.text.trim()
  if (text.startsWith('{') || text.startsWith('[')) {
    try {
      return JSON.parse(text)
    } catch {
      // Not JSON after all (or trimmed by a hook): the text as it is.
    }
  }
  return message.text
}

/**
 * The context as node-llama-cpp's chat history. An assistant message, the results of its tool calls and the
 * assistant message after them form one model response (text, function calls with their results, text), which
 * is how chat templates lay out function calling. When the context ends with tool results, the last model
 * response is left open: the model goes on after them. Otherwise an empty model response is added for the
 * answer. A tool result that answers no call on the path (a hook moved it) is read as a user message; a call
 * without a result (stopped before it ran) reads as one that did not run.
 */
export function toChatHistory(systemPrompt: string, messages: readonly ContextMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = []
  if (systemPrompt.trim()) history.push({ type: 'system', text: systemPrompt })
  let open: ChatModelResponse | null = null
  let endsWithResult = false
  const waiting = new Map<string, ChatModelFunctionCall>()
  const noResults = () => {
    for (const call of waiting.values()) call.result = { error: 'The call did not run.' }
    waiting.clear()
  }
  for (const message of messages) {
    endsWithResult = false
    if (message.role === 'user') {
      open = null
      noResults()
      history.push({ type: 'user', text: message.text })
    } else if (message.role === 'assistant') {
      if (!open) history.push((open = { type: 'model', response: [] }))
      if (message.text) open.response.push(message.text)
      for (const call of message.toolCalls ?? []) {
        const functionCall: ChatModelFunctionCall = { type: 'functionCall', name: call.name, params: call.arguments, result: undefined }
        open.response.push(functionCall)
        waiting.set(call.id, functionCall)
      }
      if (!message.toolCalls?.length) open = null
    } else {
      const call = message.toolCallId === undefined ? undefined : waiting.get(message.toolCallId)
      if (call && open) {
        call.result = resultValue(message)
        waiting.delete(message.toolCallId!)
        endsWithResult = true
      } else {
        open = null
        noResults()
        history.push({ type: 'user', text: `Result of ${message.toolName ?? 'a tool'}:\n${message.text}` })
      }
    }
  }
  noResults()
  if (!(endsWithResult && open)) history.push({ type: 'model', response: [] })
  return history
}
