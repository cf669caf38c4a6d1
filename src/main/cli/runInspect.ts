import type { ArborCore } from '../core/ArborCore'
import type { CliOptions } from './arbor'
import { printError, printReport, requestedSettings } from './print'

/** `arbor inspect`: facts, estimate and verdict from the header alone. */
export async function runInspect(core: ArborCore, options: CliOptions): Promise<number> {
  const facts = await core.request('model.inspect', { path: options.file })
  if (!facts.ok) return printError(facts.error, options.json)
  const report = await core.request('model.estimate', { path: options.file, settings: requestedSettings(options) })
  if (!report.ok) return printError(report.error, options.json)
  printReport(facts.value, report.value, null, options.json)
  return 0
}
