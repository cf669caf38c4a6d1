import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { checkResult, isRequestName, parseEvent, type ArborEvent } from '../../src/shared/contract'
import type { SessionView } from '../../src/shared/treeView'
import type { Result } from '../../src/shared/errors'
import { ArborCore, type ArborCoreOptions } from '../../src/main/core/ArborCore'

export type TestCore = { core: ArborCore; events: ArborEvent[]; modelsFolder: string; sessionsFolder: string; dispose(): Promise<void> }

/** A real core over fresh, empty models and sessions folders, recording every event it emits. */
export async function createTestCore(options: Partial<ArborCoreOptions> = {}): Promise<TestCore> {
  const root = await mkdtemp(join(os.tmpdir(), 'arbor-test-'))
  const modelsFolder = join(root, 'models')
  const sessionsFolder = join(root, 'sessions')
  await mkdir(modelsFolder)
  // The extension state goes beside them too: a test never reads or writes the real ~/.arbor.
  const extensionStateFile = options.extensionStateFile ?? join(root, 'extensions.json')
  // Pi's folder too: a test never lists the real ~/.pi.
  const core = await ArborCore.create({ modelsFolder, sessionsFolder, transport: 'headless', watchModels: false, piSessionsFolder: join(root, 'pi', 'sessions'), ...options, extensionStateFile })
  const events: ArborEvent[] = []
  // Every event the core emits must match the contract's schema once it crossed a wire as JSON: a test of the
  // schemas and of the core at once. A mismatch fails the file when the core is disposed.
  const malformed: string[] = []
  core.on((e) => {
    const checked = parseEvent(JSON.parse(JSON.stringify(e)))
    if (!checked.ok) malformed.push(checked.message)
    events.push(e)
  })
  // Every answer, likewise, against its request's result schema.
  const handle = core.handle.bind(core)
  core.handle = async (name, arg) => {
    const result = await handle(name, arg)
    if (result.ok && isRequestName(name)) {
      const problem = checkResult(name, JSON.parse(JSON.stringify(result.value ?? null)))
      if (problem) malformed.push(problem)
    }
    return result
  }
  return {
    core,
    events,
    modelsFolder,
    sessionsFolder,
    dispose: async () => {
      await core.dispose()
      await rm(root, { recursive: true, force: true })
      if (malformed.length) throw new Error(`The core sent events or answers that break the contract: ${[...new Set(malformed)].join('; ')}`)
    },
  }
}

/** The value of an ok result; fails the test with the error's code and message otherwise. */
export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`)
  return result.value
}

/** The error code of a failed result, or 'ok'. */
export const codeOf = (result: Result<unknown>): string => (result.ok ? 'ok' : result.error.code)

/** The open session, whole, as a UI connecting now would get it. */
export async function viewOf(t: Pick<TestCore, 'core'>): Promise<SessionView> {
  return unwrap(await t.core.request('app.snapshot', undefined)).session
}
