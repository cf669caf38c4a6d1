import { parseCommandLine } from '../../shared/extensions/parseCommandLine'
import { emptyCallContext } from '../core/extensions/emptyCallContext'
import { openSingleExtension, type OpenSingleExtensionOptions } from '../core/extensions/openSingleExtension'

/**
 * `arbor ext run <path> /<command> [args]`: loads the extension, runs one command with an empty session
 * and prints its output (notifications and stored entries go to stderr). Exit code 1 when it fails, 2 for
 * a command line that is not `/name args`.
 */
export async function runExtRun(path: string, commandLine: string, options: OpenSingleExtensionOptions = {}): Promise<number> {
  const parsed = parseCommandLine(commandLine.startsWith('/') ? commandLine : `/${commandLine}`)
  if (!parsed) {
    console.error(`Not a command: "${commandLine}". Usage: npm run arbor -- ext run <path> /<command> [args]`)
    return 2
  }
  const opened = await openSingleExtension(path, { variables: { workspace: process.cwd() }, ...options })
  if (!opened.ok) {
    console.error(`Error ${opened.error.code}: ${opened.error.message}`)
    return 1
  }
  const { host, registrations } = opened.value
  try {
    if (!registrations.commands.some((c) => c.name === parsed.name)) {
      const known = registrations.commands.map((c) => `/${c.name}`).join(', ') || 'none'
      console.error(`Error COMMAND_NOT_FOUND: the extension has no /${parsed.name} (its commands: ${known}).`)
      return 1
    }
    const ctx = emptyCallContext({
      notify: (text) => console.error(`[notify] ${text}`),
      appendEntry: (customType, data) => console.error(`[entry ${customType}] ${JSON.stringify(data)}`),
    })
    const result = await host.call('command', parsed.name, parsed.args, ctx)
    if (!result.ok) {
      console.error(`Error ${result.error.code}: ${result.error.message}`)
      return 1
    }
    const out = result.value as { text: string; sendToModel: boolean }
    if (out.text) console.log(out.text)
    if (out.sendToModel) console.error('[would be sent to the model]')
    return 0
  } finally {
    await host.dispose()
  }
}
