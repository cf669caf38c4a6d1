import { describe, expect, it } from 'vitest'
import { readSse, wireMessages, wireSampling } from '../../src/main/core/engine/remote/openaiWire'

/** A body that delivers `parts` one read each (then stays open when `hang`). */
const body = (parts: string[], hang = false) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const p of parts) controller.enqueue(new TextEncoder().encode(p))
      if (!hang) controller.close()
    },
  })

const all = async (gen: AsyncGenerator<unknown>) => {
  const out: unknown[] = []
  for await (const x of gen) out.push(x)
  return out
}

describe('the OpenAI wire format', () => {
  it('reads server-sent events split anywhere, CRLF or LF, comments and multi-line data, up to [DONE]', async () => {
    const parts = ['data: {"choices":[{"delta":{"content":"He', 'llo"}}]}\r', '\n\r\n: a comment\n\ndata: {"choices":', '\ndata: [{"delta":{"content":"!"}}]}\n\n', 'data: [DONE]\n\ndata: {"never":1}\n\n']
    expect(await all(readSse(body(parts), undefined, 1000))).toEqual([{ choices: [{ delta: { content: 'Hello' } }] }, { choices: [{ delta: { content: '!' } }] }])
  })

  it('gives nothing buffered after a stop, and fails a stream that goes silent with ENGINE_UNREACHABLE', async () => {
    const stop = new AbortController()
    const got: unknown[] = []
    for await (const chunk of readSse(body(['data: {"a":1}\n\ndata: {"a":2}\n\ndata: {"a":3}\n\n']), stop.signal, 1000)) {
      got.push(chunk)
      stop.abort()
    }
    expect(got).toEqual([{ a: 1 }])
    await expect(all(readSse(body(['data: {"a":1}\n\n'], true), undefined, 200))).rejects.toMatchObject({ code: 'ENGINE_UNREACHABLE' })
  })

  it('sends the conversation with tool calls and results as OpenAI messages, and greedy unless asked', () => {
    const messages = wireMessages({
      systemPrompt: 'Be brief.',
      messages: [
        { role: 'user', text: 'Read it' },
        { role: 'assistant', text: '', toolCalls: [{ id: 'c1', name: 'read', arguments: { path: 'a.txt' } }] },
        { role: 'toolResult', text: 'hi', toolCallId: 'c1', toolName: 'read' },
      ],
    })
    expect(messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Read it' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'read', arguments: '{"path":"a.txt"}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: 'hi' },
    ])
    expect(wireSampling()).toEqual({ temperature: 0 })
    expect(wireSampling({ temperature: 0.7, topK: 40, seed: 3, maxTokens: 9, stop: ['\n'] })).toEqual({ temperature: 0.7, top_k: 40, seed: 3, max_tokens: 9, stop: ['\n'] })
  })
})
