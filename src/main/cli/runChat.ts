import type { ArborCore } from '../core/ArborCore'
import type { CliOptions } from './arbor'
import { loadForCli, printError } from './print'

/** `arbor chat`: load with the recommended settings, one turn streamed to stdout. */
export async function runChat(core: ArborCore, options: CliOptions): Promise<number> {
  if (!options.prompt) {
    console.error('chat needs --prompt "...".')
    return 2
  }
  const loaded = await loadForCli(core, options, options.json)
  if (typeof loaded === 'number') return loaded
  // One turn on its own: a new session, not the continuation of the last one in the folder.
  const session = await core.request('session.new', undefined)
  if (!session.ok) return printError(session.error, options.json)
  const off = options.json ? () => {} : core.on((event) => {
    if (event.type === 'chat.token') process.stdout.write(event.text)
  })
  const turn = await core.request('chat.send', { text: options.prompt })
  off()
  if (!turn.ok) return printError(turn.error, options.json)
  const { assistant } = turn.value
  if (options.json) console.log(JSON.stringify({ text: assistant.text, stats: assistant.stats }, null, 2))
  else {
    const s = assistant.stats
    process.stdout.write('\n')
    if (s)
      console.error(
        `\n[${s.promptTokens} prompt tokens, ${s.evaluatedTokens} evaluated, ${s.generatedTokens} generated, ` +
          `first token ${s.timeToFirstTokenMs.toFixed(0)} ms, ${s.tokensPerSecond.toFixed(1)} tok/s, ${s.threads} threads, stop: ${s.stopReason}]`,
      )
  }
  return 0
}
