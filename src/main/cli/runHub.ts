import type { ArborCore } from '../core/ArborCore'
import { ArborFailure } from '../../shared/errors'
import { formatBytes } from '../../shared/format'
import { parseHubRef } from '../../shared/hub/hubFiles'
import type { CliOptions } from './arbor'
import { printError } from './print'

const failure = (error: unknown) => ArborFailure.wrap(error, 'INTERNAL').toError()

/** `arbor search <query>`: repositories with GGUF files, most downloaded first. */
export async function runSearch(core: ArborCore, query: string, json: boolean): Promise<number> {
  try {
    const repos = await core.hub.search(query)
    if (json) console.log(JSON.stringify({ endpoint: core.hub.client().endpoint, repos }, null, 2))
    else if (repos.length === 0) console.log(`No GGUF repository matches "${query}".`)
    else for (const r of repos) console.log(`${r.id.padEnd(60)} ${String(r.downloads).padStart(10)} downloads  ${String(r.likes).padStart(6)} likes  ${r.lastModified?.slice(0, 10) ?? ''}`)
    return 0
  } catch (error) {
    return printError(failure(error), json)
  }
}

/**
 * What `inspect` and `estimate` are given for a Hub reference: the address of the file it means (so that the
 * header is read remotely); a path or URL is passed through.
 */
export async function resolveForInspect(core: ArborCore, file: string): Promise<{ path: string; source: string | null }> {
  if (!parseHubRef(file)) return { path: file, source: /^https?:\/\//i.test(file) ? file : null }
  const download = await core.hub.resolve(file)
  return { path: download.url, source: file }
}

/** `arbor pull <url | hf:org/repo[:QUANT]>`: progress on stderr, the local path on stdout. */
export async function runPull(core: ArborCore, options: CliOptions): Promise<number> {
  const controller = new AbortController()
  const stop = () => controller.abort()
  process.once('SIGINT', stop)
  let last = 0
  try {
    const pulled = await core.hub.pull(options.file, {
      signal: controller.signal,
      onProgress: (p) => {
        if (Date.now() - last < 500 && p.downloadedBytes < p.totalBytes) return
        last = Date.now()
        const percent = p.totalBytes > 0 ? Math.floor((p.downloadedBytes / p.totalBytes) * 100) : 0
        const eta = Number.isFinite(p.etaSeconds) && p.etaSeconds > 0 ? `, ${Math.ceil(p.etaSeconds)} s left` : ''
        process.stderr.write(`${options.json ? '' : '\r'}${percent}% ${formatBytes(p.downloadedBytes)} of ${formatBytes(p.totalBytes)} at ${formatBytes(p.bytesPerSecond)}/s${eta}${options.json ? '\n' : '   '}`)
      },
    })
    if (!options.json) process.stderr.write('\n')
    if (options.json) console.log(JSON.stringify({ path: pulled.path, reused: pulled.reused, bytes: pulled.download.totalBytes, source: options.file }, null, 2))
    else console.log(pulled.path)
    return 0
  } catch (error) {
    if (!options.json) process.stderr.write('\n')
    return printError(failure(error), options.json)
  } finally {
    process.off('SIGINT', stop)
  }
}

/** `arbor models`: the models folder's files. */
export async function runModels(core: ArborCore, json: boolean): Promise<number> {
  const models = await core.modelsFolder.list()
  if (json) console.log(JSON.stringify({ folder: core.modelsFolder.path, models }, null, 2))
  else if (models.length === 0) console.log(`No model in ${core.modelsFolder.path}: npm run arbor -- pull hf:<owner>/<repo>:Q4_K_M, or make-demo.`)
  else for (const m of models) console.log(`${m.fileName.padEnd(60)} ${formatBytes(m.fileBytes).padStart(10)}  ${new Date(m.modifiedAt).toISOString().slice(0, 10)}`)
  return 0
}
