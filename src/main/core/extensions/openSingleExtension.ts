import { resolve } from 'node:path'
import type { Result } from '../../../shared/errors'
import type { ToolInfo } from '../../../shared/extensions/ExtensionContext'
import type { HostRegistrations } from '../../../shared/extensions/hostProtocol'
import { createForkHostLauncher } from './createForkHostLauncher'
import type { ExtensionFsOperations } from './ExtensionFsOperations'
import { ExtensionHost } from './ExtensionHost'
import type { HostLauncher } from './HostLauncher'
import { nodeExtensionFsOperations } from './nodeExtensionFsOperations'
import { prepareExtension, type PreparedExtension } from './prepareExtension'
import { readExtensionSource, type ExtensionSource } from './readExtensionSource'

export type OpenedExtension = {
  source: ExtensionSource
  prepared: PreparedExtension
  host: ExtensionHost
  registrations: HostRegistrations
  /** From launching the host to the extension loaded. */
  startMs: number
}

export type OpenSingleExtensionOptions = {
  /** Placeholder values such as `workspace`. Defaults to `{}`. */
  variables?: Record<string, string>
  /** The user's settings. Defaults to `{}`. */
  settings?: Record<string, string>
  /** Defaults to `createForkHostLauncher()`. */
  launcher?: HostLauncher
  /** Defaults to the real file system. */
  ops?: ExtensionFsOperations
}

/** Loads one extension (a folder or a file) in its own host, outside any registry: for `arbor ext` and benchmarks. Dispose its host. */
export async function openSingleExtension(location: string, options: OpenSingleExtensionOptions = {}): Promise<Result<OpenedExtension>> {
  const ops = options.ops ?? nodeExtensionFsOperations
  const source = await readExtensionSource(resolve(location), ops)
  if (!source.ok) return source
  const prepared = await prepareExtension(source.value, options.variables ?? {}, options.settings ?? {}, ops)
  if (!prepared.ok) return prepared
  const host: ExtensionHost = new ExtensionHost({
    name: source.value.manifest.name,
    entryPath: source.value.entryPath,
    code: prepared.value.code,
    launch: prepared.value.launch,
    launcher: options.launcher ?? createForkHostLauncher(),
    settings: prepared.value.settings,
    timeouts: source.value.manifest.timeouts,
    restart: { maxFaults: 1 },
    tools: (): ToolInfo[] => (host.registrations?.tools ?? []).map((t) => ({ extension: source.value.manifest.name, ...t })),
  })
  const started = performance.now()
  const loaded = await host.start()
  const startMs = performance.now() - started
  if (!loaded.ok) {
    await host.dispose()
    return loaded
  }
  return { ok: true, value: { source: source.value, prepared: prepared.value, host, registrations: loaded.value, startMs } }
}
