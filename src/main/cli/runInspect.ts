import { ArborFailure } from '../../shared/errors'
import type { ArborCore } from '../core/ArborCore'
import { resolveForInspect } from './runHub'
import type { CliOptions } from './arbor'
import { printError, printReport, requestedSettings } from './print'

/** `arbor inspect`: facts, estimate and verdict from the header alone. */
export async function runInspect(core: ArborCore, options: CliOptions): Promise<number> {
  const target = await resolveForInspect(core, options.file).catch((error: unknown) => ArborFailure.wrap(error, 'INTERNAL'))
  if (target instanceof ArborFailure) return printError(target.toError(), options.json)
  const facts = await core.request('model.inspect', { path: target.path })
  if (!facts.ok) return printError(facts.error, options.json)
  const report = await core.request('model.estimate', { path: target.path, settings: requestedSettings(options) })
  if (!report.ok) return printError(report.error, options.json)
  printReport(facts.value, report.value, null, options.json, target.source)
  return 0
}
