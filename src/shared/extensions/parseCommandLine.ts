import { COMMAND_NAME } from './extensionNames'

/** `/name rest of line` → the command and its arguments (as typed, trimmed); null when the text is not a command. */
export function parseCommandLine(text: string): { name: string; args: string } | null {
  const match = /^\/([^\s/]+)(?:\s+([\s\S]*))?$/.exec(text.trim())
  if (!match || !COMMAND_NAME.test(match[1]!)) return null
  return { name: match[1]!, args: (match[2] ?? '').trim() }
}
