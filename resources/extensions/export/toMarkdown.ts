import type { NodeSnapshot } from '../../../src/shared/extensions/ExtensionAPI'

const HEADINGS: Record<NodeSnapshot['kind'], string> = {
  user: 'User',
  assistant: 'Assistant',
  toolResult: 'Tool result',
  branchSummary: 'Summary of a branch',
  compactionSummary: 'Summary of earlier messages',
  custom: 'Note',
}

/** The path as Markdown: a title, the system prompt, then one section per message. */
export function toMarkdown(path: readonly NodeSnapshot[], systemPrompt: string, model: string | null, date: Date): string {
  const lines = ['# Conversation', '', `_Exported ${date.toISOString().slice(0, 16).replace('T', ' ')} UTC${model ? ` · model ${model}` : ''}_`, '']
  if (systemPrompt.trim()) lines.push('## System prompt', '', systemPrompt.trim(), '')
  for (const node of path) lines.push(`## ${HEADINGS[node.kind]}`, '', node.text.trim(), '')
  return lines.join('\n')
}
