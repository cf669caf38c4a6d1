/**
 * `npm run bench [-- --quick]`: speed and memory of Arbor on generated models, written to
 * bench-results/report.md and report.json. Targets are reported, never asserted in tests.
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { performance } from 'node:perf_hooks'
import { join } from 'node:path'
import { ArborCore } from '../src/main/core/ArborCore'
import { getArborLlama } from '../src/main/core/engine/getArborLlama'
import { estimateParams } from '../src/main/core/gguf-writer/makeLlamaModel'
import { shapes, type ShapeName } from '../src/main/core/gguf-writer/shapes'
import type { LoadSettings } from '../src/shared/types'
import { getShapePath } from '../test/helpers/fixtures'
import { measureInFreshProcess } from '../test/helpers/measureInFreshProcess'
import { benchBranchSwitch } from './branchSwitch'
import { benchTreeRender } from './treeRender'
import { measureExtensionHost } from '../src/main/core/extensions/measureExtensionHost'
import { benchToolRound } from './toolRound'
import { benchSessionEvents } from './sessionEvents'
import { dropPageCache, renderReport, type ShapeResult } from './report'
import { compareSpeeds, type SpeedComparison } from './speed'
import { machineLoad } from './stats'

const quick = process.argv.includes('--quick')
/** Each speed figure is the median of this many interleaved repeats. */
const repeats = quick ? 3 : 5
const shapeList: ShapeName[] = quick ? ['tiny', 'small'] : ['tiny', 'gqa', 'small', 'mid', 'oneB']
const outDir = join(import.meta.dirname, '../bench-results')

const unwrap = <T>(r: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }): T => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`)
  return r.value
}

async function benchShape(name: ShapeName): Promise<ShapeResult> {
  const generateStarted = performance.now()
  const path = await getShapePath(name)
  const generateMs = performance.now() - generateStarted
  const core = await ArborCore.create({ modelsFolder: join(outDir, 'models'), transport: 'headless', watchModels: false })
  try {
    const hardware = unwrap(await core.request('hardware.get', undefined))
    const facts = unwrap(await core.request('model.inspect', { path }))
    const contextSize = Math.min(name === 'oneB' ? 512 : 2048, facts.trainContextSize)
    const fit = { contextSize, sequences: 1, gpuLayers: hardware.gpu.backend ? 999 : 0, kvCacheType: 'F16' } as const
    const report = unwrap(await core.request('model.estimate', { path, settings: fit }))
    const auto = report.recommendedThreads
    const settings: LoadSettings = { ...fit, threads: auto }

    const cacheDropped = await dropPageCache()
    const cold = unwrap(await core.request('model.load', { path, settings }))
    await core.request('model.unload', undefined)
    const warm = unwrap(await core.request('model.load', { path, settings }))

    await core.request('model.unload', undefined)

    // Raw evaluation, the chat path and llama-bench (when given), interleaved, for each thread count.
    const threadCounts = [...new Set([1, 2, auto])].sort((a, b) => a - b)
    const speeds: SpeedComparison[] = []
    for (const threads of threadCounts) {
      process.stderr.write(`bench: ${name}, ${threads} thread(s), ${repeats} repeats…\n`)
      speeds.push(await compareSpeeds(core, path, { ...settings, threads }, repeats))
    }

    const measured = await measureInFreshProcess(path, settings)
    return {
      name,
      parameters: facts.parameters,
      expectedParameters: estimateParams(shapes[name]),
      fileBytes: facts.fileBytes,
      fileType: facts.fileType,
      generateMs,
      inspectMs: facts.inspectMs,
      estimateMs: report.estimateMs,
      loadColdMs: cold.loadMs,
      loadWarmMs: warm.loadMs,
      cacheDropped,
      autoThreads: auto,
      speeds,
      contextSize,
      estimatedRamBytes: report.estimate.ramBytes + report.estimate.vramBytes,
      measuredRamBytes: measured.ramBytes + measured.vramBytes,
      napkinBytes: report.napkin.bytes,
    }
  } finally {
    await core.dispose()
  }
}

const started = Date.now()
const results: ShapeResult[] = []
for (const name of shapeList) {
  process.stderr.write(`bench: ${name}…\n`)
  results.push(await benchShape(name))
}
const switchShape: ShapeName = quick ? 'small' : 'oneB'
process.stderr.write(`bench: branch switch on ${switchShape}…\n`)
const switchThreads = results.find((r) => r.name === switchShape)?.autoThreads ?? 1
const branchSwitch = { shape: switchShape, ...(await benchBranchSwitch(await getShapePath(switchShape), switchThreads, 700)) }
process.stderr.write('bench: 10,000-node tree in Chromium…\n')
const rendererDir = join(import.meta.dirname, '../out/renderer')
if (!existsSync(join(rendererDir, 'index.html'))) execFileSync(join(import.meta.dirname, '../node_modules/.bin/electron-vite'), ['build'], { stdio: 'inherit' })
const treeRender = await benchTreeRender(10_000, rendererDir)
process.stderr.write('bench: session events on 10,000 nodes…\n')
const sessionEvents = await benchSessionEvents(10_000)
process.stderr.write('bench: extension host…\n')
const extensionHost = await measureExtensionHost({ starts: 5, roundTrips: 200 })
process.stderr.write('bench: tool rounds…\n')
const toolRound = await benchToolRound(quick ? 5 : 20)
const llama = await getArborLlama()
const load = machineLoad()
const machine = { cpu: (await import('node:os')).cpus()[0]?.model ?? 'unknown', gpu: llama.gpu || 'none', node: process.version, loadAverageAtEnd: load.loadAverage.toFixed(2), cores: String(load.cores) }
await mkdir(outDir, { recursive: true })
const { markdown, json } = renderReport(results, branchSwitch, treeRender, sessionEvents, extensionHost, toolRound, { machine, quick, repeats, totalMs: Date.now() - started })
await writeFile(join(outDir, 'report.md'), markdown)
await writeFile(join(outDir, 'report.json'), JSON.stringify(json, null, 2))
console.log(markdown)
console.log(`\nWritten: ${join(outDir, 'report.md')} and report.json`)
