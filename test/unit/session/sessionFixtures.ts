/** Hand-written session files for the session tests. */

const usage = { input: 10, output: 5, cacheRead: 0, cacheWrite: 0, totalTokens: 15, cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 } }

/** One line per entry type Pi writes (and every message role), with odd spacing and escapes that a re-serialization would change. */
export const everyEntryTypeV3 = [
  '{"type":"session","version":3,"id":"0f6b2c1e-1111-4222-8333-444455556666","timestamp":"2024-12-03T14:00:00.000Z","cwd":"/work/project"}',
  '{"type":"message","id":"a1b2c3d4","parentId":null,"timestamp":"2024-12-03T14:00:01.000Z","message":{"role":"user","content":"Hello \\u00e9 1.0","timestamp":1733234567890}}',
  `{"type":"message","id":"b2c3d4e5","parentId":"a1b2c3d4","timestamp":"2024-12-03T14:00:02.000Z","message":{"role":"assistant","content":[{"type":"thinking","thinking":"hmm"},{"type":"text","text":"Hi!"},{"type":"toolCall","id":"call_1","name":"bash","arguments":{"command":"ls"}}],"api":"anthropic-messages","provider":"anthropic","model":"claude-sonnet-4-5","usage":${JSON.stringify(usage)},"stopReason":"toolUse","timestamp":1733234567891}}`,
  '{"type":"message","id":"c3d4e5f6","parentId":"b2c3d4e5","timestamp":"2024-12-03T14:00:03.000Z","message":{"role":"toolResult","toolCallId":"call_1","toolName":"bash","content":[{"type":"text","text":"file.txt"}],"isError":false,"timestamp":1733234567900}}',
  '{"type":"message","id":"d4e5f6a7","parentId":"c3d4e5f6","timestamp":"2024-12-03T14:00:04.000Z","message":{"role":"bashExecution","command":"ls -la","output":"total 48","exitCode":0,"cancelled":false,"truncated":false,"timestamp":1733234567950}}',
  '{"type":"message","id":"e5f6a7b8","parentId":"d4e5f6a7","timestamp":"2024-12-03T14:00:05.000Z","message":{"role":"custom","customType":"ext","content":[{"type":"text","text":"injected"},{"type":"image","data":"AAAA","mimeType":"image/png"}],"display":true,"timestamp":1733234567960}}',
  '{"type":"model_change","id":"f6a7b8c9","parentId":"e5f6a7b8","timestamp":"2024-12-03T14:05:00.000Z","provider":"openai","modelId":"gpt-4o"}',
  '{"type":"thinking_level_change","id":"a7b8c9d0","parentId":"f6a7b8c9","timestamp":"2024-12-03T14:06:00.000Z","thinkingLevel":"high"}',
  '{"type":"compaction","id":"b8c9d0e1","parentId":"a7b8c9d0","timestamp":"2024-12-03T14:10:00.000Z","summary":"User discussed X","firstKeptEntryId":"c3d4e5f6","tokensBefore":50000,"details":{"readFiles":["a.ts"],"modifiedFiles":[]}}',
  '{"type":"branch_summary","id":"c9d0e1f2","parentId":"a1b2c3d4","timestamp":"2024-12-03T14:15:00.000Z","fromId":"b8c9d0e1","summary":"Branch explored approach A","fromHook":false}',
  '{"type":"custom","id":"d0e1f2a3","parentId":"c9d0e1f2","timestamp":"2024-12-03T14:20:00.000Z","customType":"my-extension","data":{"count":42}}',
  '{"type":"custom_message","id":"e1f2a3b4","parentId":"d0e1f2a3","timestamp":"2024-12-03T14:25:00.000Z","customType":"my-extension","content":"Injected context","display":true}',
  '{"type":"label","id":"f2a3b4c5","parentId":"e1f2a3b4","timestamp":"2024-12-03T14:30:00.000Z","targetId":"a1b2c3d4","label":"checkpoint-1"}',
  '{"type":"session_info","id":"a3b4c5d6","parentId":"f2a3b4c5","timestamp":"2024-12-03T14:35:00.000Z","name":"Refactor auth module"}',
  '{"type":"message","id":"b4c5d6e7","parentId":"a3b4c5d6","timestamp":"2024-12-03T14:36:00.000Z","message":{"role":"branchSummary","summary":"from before","fromId":"b8c9d0e1","timestamp":1}}',
  '{"type":"message","id":"c5d6e7f8","parentId":"b4c5d6e7","timestamp":"2024-12-03T14:37:00.000Z","message":{"role":"compactionSummary","summary":"compacted","tokensBefore":9,"timestamp":2}}',
  '{"type":"context_transform","id":"d6e7f8a9","parentId":"c5d6e7f8","timestamp":"2025-12-28T00:00:00.000Z","schemaVersion":1,"transformerName":"my-hook","patch":[{"op":"add"}]}',
  '{"type":"message","id":"e7f8a9b0","parentId":"d6e7f8a9","timestamp":"2024-12-03T14:38:00.000Z","message":{"role":"user","content":[{"type":"text","text":"future"}],"futureField":{"x":[1,2.50]}},"alsoUnknown":true}',
].join('\n') + '\n'

/** A version 1 file: linear, no ids, a compaction that names the entry it keeps by its line index. */
export const linearV1 = [
  '{"type":"session","id":"v1-session","timestamp":"2024-12-03T14:00:00.000Z","cwd":"/old","provider":"anthropic","modelId":"claude","thinkingLevel":"off"}',
  '{"type":"message","timestamp":"2024-12-03T14:00:01.000Z","message":{"role":"user","content":"one","timestamp":1}}',
  '{"type":"message","timestamp":"2024-12-03T14:00:02.000Z","message":{"role":"assistant","content":[{"type":"text","text":"two"}],"timestamp":2}}',
  '{"type":"model_change","timestamp":"2024-12-03T14:05:00.000Z","provider":"openai","modelId":"gpt-4o"}',
  '{"type":"compaction","timestamp":"2024-12-03T14:10:00.000Z","summary":"sum","firstKeptEntryIndex":2,"tokensBefore":100}',
  '{"type":"message","timestamp":"2024-12-03T14:11:00.000Z","message":{"role":"hookMessage","customType":"h","content":"hooked","display":true,"timestamp":3}}',
].join('\n') + '\n'

/** A version 2 file: a tree, with one `hookMessage` that version 3 calls `custom`. */
export const treeV2 = [
  '{"type":"session","version":2,"id":"v2-session","timestamp":"2024-12-03T14:00:00.000Z","cwd":"/v2"}',
  '{"type":"message","id":"11111111","parentId":null,"timestamp":"2024-12-03T14:00:01.000Z","message":{"role":"user","content":"root"}}',
  '{"type":"message","id":"22222222","parentId":"11111111","timestamp":"2024-12-03T14:00:02.000Z","message":{"role":"hookMessage","customType":"h","content":"hooked","display":false}}',
  '{"type":"message","id":"33333333","parentId":"11111111","timestamp":"2024-12-03T14:00:03.000Z","message":{"role":"user","content":"sibling"}}',
].join('\n') + '\n'

export const header = (id = 'test-session') =>
  JSON.stringify({ type: 'session', version: 3, id, timestamp: '2024-12-03T14:00:00.000Z', cwd: '/tmp' })

/** A v3 message entry line. */
export const userLine = (id: string, parentId: string | null, text = id) =>
  JSON.stringify({ type: 'message', id, parentId, timestamp: '2024-12-03T14:00:01.000Z', message: { role: 'user', content: text } })

/** A session file from entry lines. */
export const file = (...lines: string[]) => [header(), ...lines].join('\n') + '\n'
