import { resolve } from 'node:path'
import { ArborFailure } from '../../shared/errors'
import { contextEntries, contextMessages, type ContextMessage } from '../../shared/tree/contextMessages'
import { SessionFile, type OpenedSession } from '../core/sessions/SessionFile'
import { printError } from './print'

export type SessionContextOptions = {
  /** The node to read the context at; the file's leaf when undefined. */
  at?: string
  json: boolean
  /** Counts each message's text tokens with this model's tokenizer. */
  count?: (text: string) => number
}

type Printed = { id: string | null; role: ContextMessage['role']; text: string; tokens?: number; toolCalls?: ContextMessage['toolCalls']; toolCallId?: string }

/**
 * `arbor session context <file.jsonl> [--at <id>] [--model <file.gguf>] [--json]`: exactly the messages the model
 * reads at a node (by default the file's leaf), the same as Pi sends for the file: the latest compaction applied,
 * failed turns and excluded bash runs left out. With `--model`, each message's text tokens and their total. Never
 * writes to the file. Exit code 0 when printed; 1 when the file cannot be read or the node is not in it.
 *
 * The `--json` shape: `path`, `at`, `compaction` (`id`, `firstKeptEntryId`, `tokensBefore`, or null), `messages`
 * (`id`, `role`, `text`, and `tokens`, `toolCalls`, `toolCallId` where they apply), `totalTokens` (with `--model`),
 * `characters`.
 */
export async function runSessionContext(file: string, options: SessionContextOptions): Promise<number> {
  const path = resolve(file)
  let opened: OpenedSession
  try {
    opened = await SessionFile.open(path)
  } catch (error) {
    if (error instanceof ArborFailure) return printError(error.toError(), options.json)
    throw error
  }
  const { doc } = opened
  const at = options.at ?? doc.leafId
  if (at !== null && !doc.get(at)) {
    return printError(new ArborFailure('NODE_NOT_FOUND', `There is no entry ${at} in ${path}.`).toError(), options.json)
  }
  const pathEntries = doc.pathTo(at)
  const { compaction } = contextEntries(pathEntries)
  const messages: Printed[] = contextMessages(pathEntries).map((m) => {
    const printed: Printed = { id: m.id ?? null, role: m.role, text: m.text }
    if (options.count) printed.tokens = options.count(m.text)
    if (m.toolCalls?.length) printed.toolCalls = m.toolCalls
    if (m.toolCallId !== undefined) printed.toolCallId = m.toolCallId
    return printed
  })
  const totalTokens = options.count ? messages.reduce((sum, m) => sum + (m.tokens ?? 0), 0) : undefined
  const characters = messages.reduce((sum, m) => sum + m.text.length, 0)
  const compactionInfo = compaction ? { id: compaction.id, firstKeptEntryId: compaction.firstKeptEntryId, tokensBefore: compaction.tokensBefore } : null
  if (options.json) {
    console.log(JSON.stringify({ path, at, compaction: compactionInfo, messages, totalTokens, characters }, null, 2))
    return 0
  }
  const lines = [`${path} at ${at ?? '(before the first entry)'}`]
  if (compactionInfo) lines.push(`  compaction ${compactionInfo.id}: summary first, then from ${compactionInfo.firstKeptEntryId} (${compactionInfo.tokensBefore} tokens before)`)
  for (const m of messages) {
    const head = `[${m.role}${m.id ? ` ${m.id}` : ''}${m.tokens !== undefined ? `, ${m.tokens} tok` : ''}]`
    const calls = m.toolCalls?.map((c) => `\n  → ${c.name}(${JSON.stringify(c.arguments)})`).join('') ?? ''
    lines.push(`${head}\n${m.text}${calls}`)
  }
  lines.push(`${messages.length} messages, ${characters.toLocaleString('en-US')} characters${totalTokens !== undefined ? `, ${totalTokens.toLocaleString('en-US')} text tokens` : ''}`)
  console.log(lines.join('\n\n'))
  return 0
}
