import type { ArborError } from '../../shared/errors'
import { formatBytes, formatCount, formatPercent } from '../../shared/format'
import type { FitReport, FitSettings, LoadedModel, MemorySplit, ModelFacts } from '../../shared/types'
import type { ArborCore } from '../core/ArborCore'
import type { MeasuredMemory } from '../core/engine'
import type { CliOptions } from './arbor'

export function requestedSettings(options: CliOptions): Partial<FitSettings> {
  const s: Partial<FitSettings> = {}
  if (options.contextSize !== undefined) s.contextSize = options.contextSize
  if (options.sequences !== undefined) s.sequences = options.sequences
  if (options.gpuLayers !== undefined) s.gpuLayers = options.gpuLayers
  return s
}

/**
 * Loads `options.file` with the recommended settings (what was asked for wins), or, with a remote engine, connects
 * to its server (there is no file to estimate): the loaded model, or the error already printed.
 */
export async function loadForCli(core: ArborCore, options: CliOptions, json: boolean): Promise<LoadedModel | number> {
  if ((await core.engine.info()).kind === 'remote') {
    const s = requestedSettings(options)
    const loaded = await core.request('model.load', { path: options.file, settings: { contextSize: s.contextSize ?? 1 << 20, sequences: s.sequences ?? 1, gpuLayers: 0, kvCacheType: 'F16', threads: 1 } })
    return loaded.ok ? loaded.value : printError(loaded.error, json)
  }
  const report = await core.request('model.estimate', { path: options.file, settings: requestedSettings(options) })
  if (!report.ok) return printError(report.error, json)
  const threads = options.threads ?? report.value.recommendedThreads
  const loaded = await core.request('model.load', { path: options.file, settings: { ...report.value.settings, threads } })
  return loaded.ok ? loaded.value : printError(loaded.error, json)
}

export function printError(error: ArborError, json: boolean): number {
  if (json) console.log(JSON.stringify({ error }, null, 2))
  else console.error(`Error ${error.code}: ${error.message}`)
  return 1
}

const both = (s: MemorySplit) => `${formatBytes(s.ramBytes)} RAM, ${formatBytes(s.vramBytes)} VRAM`

/**
 * The stable `--json` shape (documented in README): `architecture`, `parameters`, `fileBytes`,
 * `estimate` (`ramBytes`, `vramBytes`, `weights`, `kvCache`, `compute`, `overhead`), `fit`,
 * and for measure `measured` (`ramBytes`, `vramBytes`).
 */
export function printReport(facts: ModelFacts, report: FitReport, measured: MeasuredMemory | null, json: boolean, source: string | null = null): void {
  if (json) {
    const out: Record<string, unknown> = {
      path: facts.path,
      ...(source ? { source } : {}),
      architecture: facts.architecture,
      name: facts.name,
      parameters: facts.parameters,
      fileBytes: facts.fileBytes,
      fileType: facts.fileType,
      bitsPerWeight: facts.bitsPerWeight,
      layers: facts.layers,
      embeddingSize: facts.embeddingSize,
      headCount: facts.headCount,
      headCountKv: facts.headCountKv,
      vocabSize: facts.vocabSize,
      trainContextSize: facts.trainContextSize,
      hasChatTemplate: facts.hasChatTemplate,
      settings: report.settings,
      estimate: report.estimate,
      fit: report.fit,
      napkin: report.napkin,
      recommended: report.recommended,
    }
    if (measured) {
      const total = report.estimate.ramBytes + report.estimate.vramBytes
      out.measured = { ...measured, errorOfEstimate: (total - (measured.ramBytes + measured.vramBytes)) / (measured.ramBytes + measured.vramBytes) }
    }
    console.log(JSON.stringify(out, null, 2))
    return
  }
  const e = report.estimate
  const lines = [
    `${facts.fileName}  (${facts.name ?? 'unnamed'})`,
    `  architecture   ${facts.architecture}, ${formatCount(facts.parameters)} parameters, ${facts.fileType} (${facts.bitsPerWeight.toFixed(2)} bits/weight)`,
    `  shape          ${facts.layers} layers, embedding ${facts.embeddingSize}, ${facts.headCount} heads / ${facts.headCountKv} KV heads, vocabulary ${facts.vocabSize}`,
    `  context        trained ${facts.trainContextSize}, chat template ${facts.hasChatTemplate ? 'yes' : 'no'}`,
    `  file           ${formatBytes(facts.fileBytes)}${source ? ` at ${facts.path} (header read remotely)` : ''}`,
    `settings         context ${report.settings.contextSize} × ${report.settings.sequences} sequence(s), ${report.settings.gpuLayers} GPU layers, KV ${report.settings.kvCacheType}`,
    `estimate         ${both(e)}`,
    `  weights        ${both(e.weights)}`,
    `  KV cache       ${both(e.kvCache)}`,
    `  compute        ${both(e.compute)}`,
    `  overhead       ${both(e.overhead)}`,
    `verdict          ${report.fit.verdict}: ${report.fit.summary}`,
    `napkin formula   ${formatBytes(report.napkin.bytes)} (${formatPercent(report.napkin.errorVsEstimate)} vs estimate)`,
  ]
  if (report.recommended)
    lines.push(`recommended      context ${report.recommended.contextSize}, ${report.recommended.gpuLayers} GPU layers`)
  if (measured) {
    const total = measured.ramBytes + measured.vramBytes
    lines.push(
      `measured         ${both(measured)} after filling ${measured.filledTokens} KV cells (${measured.fillMs.toFixed(0)} ms)`,
      `estimate error   ${formatPercent((e.ramBytes + e.vramBytes - total) / total)}`,
    )
  }
  console.log(lines.join('\n'))
}
