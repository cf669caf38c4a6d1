import type { CoreParts, HandlersFor } from './CoreParts'

/** Turns on the conversation tree: send, a command, regenerate, stop (which waits until the answer is stored). */
export function chatRequests({ turns, sessions }: CoreParts): HandlersFor<'chat.'> {
  return {
    'chat.send': ({ text, parentId, maxTokens, sampling }) => turns.send(text, parentId, maxTokens, sampling),
    'chat.command': ({ text, parentId }) => turns.command(text, parentId),
    'chat.countDraft': ({ text }) => turns.countDraft(text),
    'chat.regenerate': ({ nodeId, maxTokens, sampling }) => turns.regenerate(nodeId, maxTokens, sampling),
    'chat.stop': async () => ({ stopped: await turns.stop() }),
    'chat.setSystemPrompt': ({ text }) => sessions.setSystemPrompt(text),
  }
}
