import type { ArborCore } from '../core/ArborCore'
import type { CliOptions } from './arbor'
import { printError, printReport, requestedSettings } from './print'

/** `arbor measure`: the estimate, then a real load with every KV cell written, and the memory really taken. */
export async function runMeasure(core: ArborCore, options: CliOptions): Promise<number> {
  const facts = await core.request('model.inspect', { path: options.file })
  if (!facts.ok) return printError(facts.error, options.json)
  const report = await core.request('model.estimate', { path: options.file, settings: requestedSettings(options) })
  if (!report.ok) return printError(report.error, options.json)
  const threads = options.threads ?? report.value.recommendedThreads
  const measured = await core.measure(options.file, { ...report.value.settings, threads })
  if (!measured.ok) return printError(measured.error, options.json)
  printReport(facts.value, report.value, measured.value, options.json)
  return 0
}
