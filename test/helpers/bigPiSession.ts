const usage = { input: 1, output: 1, cacheRead: 0, cacheWrite: 0, totalTokens: 2, cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 } }

/** A linear Pi session: user asks, assistant calls `read`, the tool answers with a file, assistant explains. */
export function piSession(turns: number): string {
  const lines: object[] = [{ type: 'session', version: 3, id: 'big-pi-session', timestamp: '2026-12-01T00:00:00.000Z', cwd: '/work/project' }]
  let parent: string | null = null
  let n = 0
  const add = (message: object) => {
    const id = (n++).toString(16).padStart(8, '0')
    lines.push({ type: 'message', id, parentId: parent, timestamp: '2026-12-01T00:00:01.000Z', message })
    parent = id
  }
  const file = (i: number) => Array.from({ length: 40 }, (_, l) => `export const value${i}_${l} = compute(${l}, "line ${l} of file ${i}")`).join('\n')
  for (let i = 0; i < turns; i++) {
    add({ role: 'user', content: `Look at src/module${i}.ts and tell me what it exports.`, timestamp: i })
    add({ role: 'assistant', content: [{ type: 'toolCall', id: `call${i}`, name: 'read', arguments: { path: `src/module${i}.ts` } }], api: 'openai-completions', provider: 'local', model: 'm', usage, stopReason: 'toolUse', timestamp: i })
    add({ role: 'toolResult', toolCallId: `call${i}`, toolName: 'read', content: [{ type: 'text', text: file(i) }], isError: false, timestamp: i })
    add({ role: 'assistant', content: [{ type: 'text', text: `It exports forty values, value${i}_0 to value${i}_39, each computed from its line.` }], api: 'openai-completions', provider: 'local', model: 'm', usage, stopReason: 'stop', timestamp: i })
  }
  return lines.map((l) => JSON.stringify(l)).join('\n') + '\n'
}
