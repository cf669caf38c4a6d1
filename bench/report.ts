import { writeFile } from 'node:fs/promises'
import { formatBytes, formatCount, formatPercent } from '../src/shared/format'
import type { BranchSwitchResult } from './branchSwitch'
import type { TreeRenderResult } from './treeRender'
import type { ExtensionHostMeasurement } from '../src/main/core/extensions/measureExtensionHost'
import type { ToolRoundMeasurement } from './toolRound'
import type { SessionEventsResult } from './sessionEvents'
import type { SpeedComparison } from './speed'
import { formatSamples } from './stats'

export type ShapeResult = {
  name: string
  parameters: number
  expectedParameters: number
  fileBytes: number
  fileType: string
  generateMs: number
  inspectMs: number
  estimateMs: number
  loadColdMs: number
  loadWarmMs: number
  cacheDropped: boolean
  autoThreads: number
  /** Raw, chat path and llama-bench, interleaved, per thread count. */
  speeds: SpeedComparison[]
  contextSize: number
  estimatedRamBytes: number
  measuredRamBytes: number
  napkinBytes: number
}

/** Drops the page cache so the first load reads from disk (root only; false when not allowed). */
export async function dropPageCache(): Promise<boolean> {
  try {
    await writeFile('/proc/sys/vm/drop_caches', '3\n')
    return true
  } catch {
    return false
  }
}

const f1 = (n: number) => n.toFixed(1)

/** How far auto threads are from the best thread count measured (0 = auto is the best), by the raw medians. */
export function autoThreadGap(rows: SpeedComparison[], auto: number, key: 'pp' | 'tg'): number {
  const best = Math.max(...rows.map((r) => r.raw[key].median))
  const mine = rows.find((r) => r.threads === auto)?.raw[key].median ?? 0
  return best > 0 ? (best - mine) / best : 0
}

/** The chat path's generation speed needed, as a share of llama-bench's: small models pay more per token. */
export const chatSpeedTarget = (parameters: number): number => (parameters >= 200e6 ? 0.97 : 0.9)

export function renderReport(
  results: ShapeResult[],
  branchSwitch: BranchSwitchResult & { shape: string },
  tree: TreeRenderResult,
  events: SessionEventsResult,
  host: ExtensionHostMeasurement,
  tools: ToolRoundMeasurement,
  meta: { machine: Record<string, string>; quick: boolean; repeats: number; totalMs: number }) {
  const lines: string[] = []
  lines.push(`# Arbor benchmark`, '')
  lines.push(
    `Machine: ${meta.machine.cpu}, GPU: ${meta.machine.gpu}, Node ${meta.machine.node}; load average ${meta.machine.loadAverageAtEnd} on ${meta.machine.cores} cores at the end. ${meta.quick ? 'Quick run.' : 'Full run.'} Took ${f1(meta.totalMs / 1000)} s.`,
    '',
  )
  lines.push('Targets: auto threads within 5% of the best thread count; memory estimate error ≤ 5%.', '')
  lines.push('## Header, estimate and load', '')
  lines.push('| shape | params | type | file | inspect | estimate | load cold | load warm |', '|---|---|---|---|---|---|---|---|')
  for (const r of results)
    lines.push(
      `| ${r.name} | ${formatCount(r.parameters)} | ${r.fileType} | ${formatBytes(r.fileBytes)} | ${f1(r.inspectMs)} ms | ${f1(r.estimateMs)} ms | ${f1(r.loadColdMs)} ms${r.cacheDropped ? '' : ' (cache not dropped)'} | ${f1(r.loadWarmMs)} ms |`,
    )
  const anyBusy = results.some((r) => r.speeds.some((x) => x.busy))
  const withLlamaBench = results.some((r) => r.speeds.some((x) => x.llamaBench))
  lines.push('', '## Speed (tokens/s): raw evaluation, the chat path and llama-bench, interleaved', '')
  lines.push(
    `Each figure is the median of ${meta.repeats} repeats (range in brackets); each repeat runs all of them in turn, so a slow spell of the machine slows them alike. ` +
      `pp: ${128} prompt tokens; tg: ${64} generated.` +
      (withLlamaBench ? ' llama-bench was built from the llama.cpp source node-llama-cpp ships (`LLAMA_BENCH`).' : ' llama-bench was not given (`LLAMA_BENCH`): the chat path is compared with raw evaluation instead.'),
    '',
  )
  if (anyBusy) lines.push('**Machine busy:** other processes took more than a quarter of a core on average during some of these runs (marked ⚠, with the cores they took); their figures are low and noisy.', '')
  lines.push('| shape | threads | raw pp | chat pp | llama-bench pp | raw tg | chat tg | llama-bench tg | chat tg ÷ reference |', '|---|---|---|---|---|---|---|---|---|')
  const targets: { what: string; value: number; ok: boolean }[] = []
  for (const r of results) {
    for (const x of r.speeds) {
      const reference = x.llamaBench?.tg.median ?? x.raw.tg.median
      const ratio = reference > 0 ? x.chat.tg.median / reference : NaN
      lines.push(
        `| ${r.name} | ${x.threads}${x.threads === r.autoThreads ? ' (auto)' : ''}${x.busy ? ` ⚠ ${x.otherCores.toFixed(2)}` : ''} | ${formatSamples(x.raw.pp)} | ${formatSamples(x.chat.pp)} | ${formatSamples(x.llamaBench?.pp ?? null)} | ${formatSamples(x.raw.tg)} | ${formatSamples(x.chat.tg)} | ${formatSamples(x.llamaBench?.tg ?? null)} | ${Number.isNaN(ratio) ? '—' : ratio.toFixed(3)} |`,
      )
      if (x.threads === r.autoThreads && !Number.isNaN(ratio)) {
        const target = chatSpeedTarget(r.parameters)
        targets.push({ what: `${r.name}: chat tg ≥ ${target} × ${x.llamaBench ? 'llama-bench' : 'raw'} tg (as shortfall)`, value: Math.max(0, target - ratio), ok: ratio >= target })
      }
    }
    for (const key of ['pp', 'tg'] as const) {
      const gap = autoThreadGap(r.speeds, r.autoThreads, key)
      targets.push({ what: `${r.name}: auto threads vs best (${key})`, value: gap, ok: gap <= 0.05 })
    }
  }
  lines.push('', '## Memory: estimate vs measured (RSS growth after filling every KV cell)', '')
  lines.push('| shape | context | estimate | measured | estimate error | napkin | napkin error |', '|---|---|---|---|---|---|---|')
  for (const r of results) {
    const err = (r.estimatedRamBytes - r.measuredRamBytes) / r.measuredRamBytes
    const napkinErr = (r.napkinBytes - r.measuredRamBytes) / r.measuredRamBytes
    lines.push(
      `| ${r.name} | ${r.contextSize} | ${formatBytes(r.estimatedRamBytes)} | ${formatBytes(r.measuredRamBytes)} | ${formatPercent(err)} | ${formatBytes(r.napkinBytes)} | ${formatPercent(napkinErr)} |`,
    )
    targets.push({ what: `${r.name}: memory estimate error`, value: err, ok: Math.abs(err) <= 0.05 })
  }
  const b = branchSwitch
  lines.push('', `## Branch switch (${b.shape}, ${b.sharedPrefixTokens}-token shared prefix)`, '')
  lines.push('| | time to first token | tokens evaluated |', '|---|---|---|')
  lines.push(`| Arbor: switch to a sibling branch (2 sequences) | ${f1(b.switchTtftMs)} ms | ${b.switchEvaluatedTokens} |`)
  lines.push(`| floor: only a new suffix on a warm path | ${f1(b.suffixOnlyTtftMs)} ms | — |`)
  lines.push(`| naive: the whole path again | ${f1(b.naiveTtftMs)} ms | ${b.naiveEvaluatedTokens} |`)
  const switchGap = (b.switchTtftMs - b.suffixOnlyTtftMs) / b.suffixOnlyTtftMs
  targets.push({ what: 'branch switch TTFT vs suffix-only (≤ +10%)', value: switchGap, ok: switchGap <= 0.1 })
  lines.push('', `## Tree view (${tree.nodes.toLocaleString('en-US')} nodes, Chromium headless, software rendering)`, '')
  lines.push('| measure | value | target |', '|---|---|---|')
  lines.push(`| first render (navigation to cards on screen) | ${f1(tree.firstRenderMs)} ms | < 1000 ms |`)
  lines.push(`| selection change (click to current style painted), median / worst | ${f1(tree.selectMedianMs)} / ${f1(tree.selectMaxMs)} ms | < 50 ms |`)
  lines.push(`| panning: frames over 25 ms | ${formatPercent(tree.panDroppedFrameShare)} of ${tree.panFrames} | none |`)
  targets.push({ what: 'tree first render ≤ 1000 ms (as excess)', value: tree.firstRenderMs / 1000 - 1, ok: tree.firstRenderMs < 1000 })
  targets.push({ what: 'tree selection ≤ 50 ms, worst (as excess)', value: tree.selectMaxMs / 50 - 1, ok: tree.selectMaxMs < 50 })
  lines.push('', `## Session changes (${events.nodes.toLocaleString('en-US')} nodes): deltas, not views`, '')
  lines.push('| measure | value | target |', '|---|---|---|')
  lines.push(`| events of a star click (JSON) | ${formatBytes(events.starEventBytes)} | < 10 kB |`)
  lines.push(`| session events of one turn (JSON, streamed tokens aside) | ${formatBytes(events.turnEventBytes)} | < 10 kB |`)
  lines.push(`| the whole view (sent on open, switch and reconnect only) | ${formatBytes(events.fullViewBytes)} | — |`)
  lines.push(`| building a change's delta (index, flags), median / worst of 50 | ${events.deltaBuildMedianMs.toFixed(3)} / ${events.deltaBuildMaxMs.toFixed(3)} ms | < 2 ms |`)
  lines.push(`| the whole view from the index, median | ${events.fullViewBuildMs.toFixed(3)} ms | — |`)
  targets.push({ what: 'star click events ≤ 10 kB (as excess)', value: events.starEventBytes / 10_000 - 1, ok: events.starEventBytes < 10_000 })
  targets.push({ what: 'one turn’s session events ≤ 10 kB (as excess)', value: events.turnEventBytes / 10_000 - 1, ok: events.turnEventBytes < 10_000 })
  targets.push({ what: 'delta build ≤ 2 ms, median (as excess)', value: events.deltaBuildMedianMs / 2 - 1, ok: events.deltaBuildMedianMs < 2 })
  lines.push('', '## Extension host (one Node process per extension)', '')
  lines.push('| measure | value | target |', '|---|---|---|')
  lines.push(`| host start (launch to extension loaded), median | ${f1(host.hostStartMs)} ms | — |`)
  lines.push(`| manifest + esbuild compile, median | ${f1(host.compileMs)} ms | — |`)
  lines.push(`| no-op command round trip, median / p95 | ${host.roundTripMs.median.toFixed(3)} / ${host.roundTripMs.p95.toFixed(3)} ms | < 5 ms |`)
  lines.push(`| idle host memory (RSS / JS heap) | ${formatBytes(host.rssBytes)} / ${formatBytes(host.heapUsedBytes)} | — |`)
  targets.push({ what: 'no-op command round trip ≤ 5 ms (median, as excess)', value: host.roundTripMs.median / 5 - 1, ok: host.roundTripMs.median < 5 })
  lines.push('', `## Tool round (generated tool-calling model, echo extension, ${tools.rounds} turns)`, '')
  lines.push('| measure | value |', '|---|---|')
  lines.push(`| parsed call → continuation starts (toolCall hooks, host call, result stored), median / p95 | ${f1(tools.callToContinueMs.median)} / ${f1(tools.callToContinueMs.p95)} ms |`)
  lines.push(`| tokens evaluated after the result, of the prompt | ${tools.evaluatedAfterResult} of ${tools.promptAfterResult} |`)
  lines.push('', '## Targets', '', '| target | value | met |', '|---|---|---|')
  for (const t of targets) lines.push(`| ${t.what} | ${formatPercent(t.value)} | ${t.ok ? 'yes' : '**no**'} |`)
  return { markdown: lines.join('\n') + '\n', json: { meta, results, targets } }
}
