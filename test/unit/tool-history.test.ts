import { describe, expect, it } from 'vitest'
import { toChatHistory } from '../../src/main/core/engine/toChatHistory'
import type { ContextMessage } from '../../src/shared/extensions/ExtensionEvents'
import { normalizeContextMessages } from '../../src/shared/extensions/normalizeContextMessages'
import { toolSchemaForModel, withoutNullOptionals } from '../../src/shared/extensions/toolSchemaForModel'

const call = { id: 'c1', name: 'read_file', arguments: { path: 'a.md' } }

describe('the context as a chat history with function calls', () => {
  it('joins a reply, its tool results and the reply after them into one model response', () => {
    const messages: ContextMessage[] = [
      { role: 'user', text: 'What is in a.md?' },
      { role: 'assistant', text: 'Let me look.', toolCalls: [call] },
      { role: 'toolResult', text: '{"lines":2}', toolCallId: 'c1', toolName: 'read_file' },
      { role: 'assistant', text: 'It has two lines.' },
      { role: 'user', text: 'Thanks.' },
    ]
    expect(toChatHistory('Be brief.', messages)).toEqual([
      { type: 'system', text: 'Be brief.' },
      { type: 'user', text: 'What is in a.md?' },
      {
        type: 'model',
        response: ['Let me look.', { type: 'functionCall', name: 'read_file', params: { path: 'a.md' }, result: { lines: 2 } }, 'It has two lines.'],
      },
      { type: 'user', text: 'Thanks.' },
      { type: 'model', response: [] },
    ])
  })

  it('leaves the model response open when the context ends with a result: the model goes on after it', () => {
    const history = toChatHistory('', [
      { role: 'user', text: 'Read it.' },
      { role: 'assistant', text: '', toolCalls: [call] },
      { role: 'toolResult', text: 'plain text, not JSON', toolCallId: 'c1', toolName: 'read_file' },
    ])
    expect(history).toEqual([
      { type: 'user', text: 'Read it.' },
      { type: 'model', response: [{ type: 'functionCall', name: 'read_file', params: { path: 'a.md' }, result: 'plain text, not JSON' }] },
    ])
  })

  it('reads a failed call as an error, a call without result as one that did not run, a stray result as a user message', () => {
    const history = toChatHistory('', [
      { role: 'user', text: 'Two files.' },
      { role: 'assistant', text: '', toolCalls: [call, { id: 'c2', name: 'read_file', arguments: { path: 'b.md' } }] },
      { role: 'toolResult', text: 'No such file', toolCallId: 'c1', toolName: 'read_file', isError: true },
      { role: 'user', text: 'Stop.' },
      { role: 'toolResult', text: '42', toolCallId: 'elsewhere', toolName: 'count' },
    ])
    expect(history[1]).toEqual({
      type: 'model',
      response: [
        { type: 'functionCall', name: 'read_file', params: { path: 'a.md' }, result: { error: 'No such file' } },
        { type: 'functionCall', name: 'read_file', params: { path: 'b.md' }, result: { error: 'The call did not run.' } },
      ],
    })
    expect(history.slice(2)).toEqual([
      { type: 'user', text: 'Stop.' },
      { type: 'user', text: 'Result of count:\n42' },
      { type: 'model', response: [] },
    ])
  })
})

describe('tool schemas as grammar', () => {
  const schema = {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'File', pattern: '^[a-z]' },
      limit: { type: 'integer', minimum: 1 },
      mode: { enum: ['head', 'tail'] },
      tags: { type: 'array', items: { type: 'string' }, maxItems: 3 },
      when: { type: 'string', format: 'email' },
    },
    required: ['path'],
  }

  it('keeps what a grammar can enforce; optional properties may be null', () => {
    expect(toolSchemaForModel(schema)).toEqual({
      type: 'object',
      properties: {
        path: { type: 'string', description: 'File' },
        limit: { oneOf: [{ type: 'integer' }, { type: 'null' }] },
        mode: { oneOf: [{ enum: ['head', 'tail'] }, { type: 'null' }] },
        tags: { oneOf: [{ type: 'array', items: { type: 'string' }, maxItems: 3 }, { type: 'null' }] },
        when: { oneOf: [{ type: 'string' }, { type: 'null' }] },
      },
    })
    expect(toolSchemaForModel({ type: ['string', 'object'] })).toEqual({ oneOf: [{ type: 'string' }, { type: 'object', properties: {} }] })
  })

  it('drops the nulls of optional properties before the tool sees its arguments', () => {
    expect(withoutNullOptionals({ path: 'a', limit: null, mode: 'head', tags: null, extra: null }, schema)).toEqual({ path: 'a', mode: 'head', extra: null })
    expect(withoutNullOptionals({ path: null }, schema)).toEqual({ path: null })
    const either = { type: 'object', properties: { target: { oneOf: [{ type: 'string' }, { type: 'object', properties: { file: { type: 'string' }, line: { type: 'integer' } }, required: ['file'] }] } } }
    expect(withoutNullOptionals({ target: { file: 'a.md', line: null } }, either)).toEqual({ target: { file: 'a.md' } })
    expect(withoutNullOptionals({ target: 'a.md' }, either)).toEqual({ target: 'a.md' })
  })
})

describe("a context hook's messages", () => {
  it('keep only well-formed fields: a malformed tool call is dropped before it reaches the template', () => {
    const fromHook = [
      { role: 'assistant', text: 'x', toolCalls: 'not a list', extra: 1 },
      { role: 'assistant', text: 'y', toolCalls: [{ id: 'c1', name: 'echo', arguments: [1] }, { name: 'no id' }] },
      { role: 'toolResult', text: 'z', toolCallId: 'c1', toolName: 7, isError: 'yes' },
    ] as unknown as ContextMessage[]
    expect(normalizeContextMessages(fromHook)).toEqual([
      { role: 'assistant', text: 'x' },
      { role: 'assistant', text: 'y', toolCalls: [{ id: 'c1', name: 'echo', arguments: {} }] },
      { role: 'toolResult', text: 'z', toolCallId: 'c1' },
    ])
  })
})
