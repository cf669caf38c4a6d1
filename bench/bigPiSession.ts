/**
 * `npm run bench:session`: a Pi session far larger than the context (1,000 entries of a coding agent's work, about
 * 500k tokens with the demo model's vocabulary), opened in a real core with the demo model loaded (4,096-token
 * context), as issue 10 measures it: the time to open it, the longest any other request waits while its first count
 * runs (a `session.list` every 20 ms), the time to count a draft, and a Send under the default policy (compact).
 * Writes bench-results/big-session.md.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { getDemoModelPath } from '../test/helpers/fixtures'
import { piSession } from '../test/helpers/bigPiSession'
import { createTestCore, unwrap } from '../test/helpers/testCore'

const t = await createTestCore()
try {
  unwrap(await t.core.request('model.load', { path: await getDemoModelPath(), settings: { contextSize: 4096, sequences: 1, gpuLayers: 0, kvCacheType: 'F16', threads: 1 } }))
  const path = join(t.sessionsFolder, 'big-pi.jsonl')
  await writeFile(path, piSession(250))
  let worst = 0
  let probes = 0
  let stop = false
  const probe = (async () => {
    while (!stop) {
      const start = performance.now()
      await t.core.request('session.list', undefined)
      worst = Math.max(worst, performance.now() - start)
      probes++
      await new Promise((r) => setTimeout(r, 20))
    }
  })()
  const opening = performance.now()
  unwrap(await t.core.request('session.open', { path }))
  const openMs = performance.now() - opening
  let composition = null
  while (!composition && performance.now() - opening < 300_000) {
    composition = unwrap(await t.core.request('app.snapshot', undefined)).session.composition
    if (!composition) await new Promise((r) => setTimeout(r, 50))
  }
  const countedMs = performance.now() - opening
  stop = true
  await probe
  const drafting = performance.now()
  const draft = unwrap(await t.core.request('chat.countDraft', { text: 'What do all of these modules have in common?' }))
  const draftMs = performance.now() - drafting
  const sending = performance.now()
  const sent = unwrap(await t.core.request('chat.send', { text: 'What do all of these modules have in common?' }))
  const sendMs = performance.now() - sending
  const history = composition ? composition.historyTokens : 0
  const report = [
    '# Big Pi session (issue 10)',
    '',
    `Machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}. Demo model, 4,096-token context, 1 thread.`,
    '',
    '| what | value |',
    '| --- | --- |',
    `| session | 1,000 entries, ${history.toLocaleString('en-US')} history tokens${composition?.estimated ? ' (template part estimated)' : ''} |`,
    `| open (request answered) | ${openMs.toFixed(0)} ms |`,
    `| first count done (composition shown) | ${countedMs.toFixed(0)} ms after the open began |`,
    `| longest wait of another request meanwhile | ${worst.toFixed(0)} ms (${probes} requests) |`,
    `| count a draft | ${draftMs.toFixed(0)} ms (${draft?.promptTokens.toLocaleString('en-US')} prompt tokens, over the ${draft?.maxPromptTokens.toLocaleString('en-US')} limit) |`,
    `| Send under "compact" (summary, then the turn) | ${(sendMs / 1000).toFixed(1)} s, prompt ${sent.assistant.stats?.promptTokens} tokens |`,
    '',
  ].join('\n')
  await mkdir(join(import.meta.dirname, '../bench-results'), { recursive: true })
  await writeFile(join(import.meta.dirname, '../bench-results/big-session.md'), report)
  console.log(report)
} finally {
  await t.dispose()
}
