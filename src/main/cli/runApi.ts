import { piMaxTokens, piProviderSnippet } from '../../shared/apiServer'
import type { ArborCore } from '../core/ArborCore'
import type { CliOptions } from './arbor'
import { loadForCli } from './print'

export type ApiCliOptions = CliOptions & { port?: number; host?: string; apiKey?: string }

/**
 * `arbor api <file.gguf>`: loads the model (recommended settings, or those given; `--agents` is the number of
 * sequences, the requests answered at once), serves it over the OpenAI-compatible API, prints one line with the
 * base URL once ready, logs each request to stderr, and on SIGINT/SIGTERM stops and unloads.
 */
export async function runApi(core: ArborCore, options: ApiCliOptions): Promise<number> {
  const loaded = await loadForCli(core, options, false)
  if (typeof loaded === 'number') return loaded
  let status
  try {
    status = await core.api.start({ ...(options.port !== undefined ? { port: options.port } : {}), ...(options.host ? { host: options.host } : {}), apiKey: options.apiKey ?? null }, false)
  } catch (error) {
    console.error(`Could not start the API: ${(error as Error).message}`)
    return 1
  }
  const { settings, facts } = loaded
  const modelId = facts.fileName.replace(/\.gguf$/i, '')
  console.log(`Arbor API ready: ${status.baseUrl} (model ${modelId}, context ${settings.contextSize}, ${settings.sequences} at once)`)
  console.error(`Pi's models.json provider:\n${piProviderSnippet(status.baseUrl!, modelId, settings.contextSize, piMaxTokens(settings.contextSize), options.apiKey ?? null)}`)
  const off = core.on((event) => {
    if (event.type !== 'server.request') return
    const e = event.entry
    console.error(
      `${e.at} ${e.client} ${e.path} ${e.status} prompt ${e.promptTokens} (cached ${e.cachedTokens}) generated ${e.completionTokens}` +
        `${e.timeToFirstTokenMs !== null ? ` first token ${e.timeToFirstTokenMs.toFixed(0)} ms` : ''} total ${e.totalMs.toFixed(0)} ms`,
    )
  })
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  off()
  console.error('Stopping: open requests end, the model is unloaded.')
  await core.api.stop(false)
  return 0
}
