import { z } from 'zod'
import { EXTENSION_STATE_VERSION, type ExtensionState } from './ExtensionState'

const name = z.string().min(1).max(200)
const schema = z.object({
  version: z.number().int().min(1),
  disabled: z.array(name).max(10_000).default([]),
  settings: z.record(name, z.record(z.string().max(200), z.string().max(10_000))).default({}),
  trustedFolders: z.array(z.string().min(1).max(4096)).max(10_000).default([]),
  // By name, or "name@location" for a working folder's extension.
  accepted: z.record(z.string().min(1).max(4400), z.array(z.string().max(4096)).max(64)).default({}),
})

/** Own properties only, so that a key such as `__proto__` or `constructor` is just a key. */
const own = <T>(record: Record<string, T>): Record<string, T> => Object.fromEntries(Object.entries(record))

/**
 * Reads the text of the state file. Pure. Fails with a reason for people when it is not JSON or not the shape
 * Arbor writes; `newerVersion` says it was written by a later Arbor (whose file must not be overwritten).
 */
export function parseExtensionState(text: string): { ok: true; state: ExtensionState } | { ok: false; reason: string; newerVersion?: number } {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    return { ok: false, reason: `not valid JSON: ${(error as Error).message}` }
  }
  const version = (json as { version?: unknown } | null)?.version
  if (typeof version === 'number' && version > EXTENSION_STATE_VERSION) {
    return { ok: false, reason: `written by a newer Arbor (format version ${version})`, newerVersion: version }
  }
  const parsed = schema.safeParse(json)
  if (!parsed.success) {
    const first = parsed.error.issues[0]
    const at = first?.path.length ? ` at "${first.path.join('.')}"` : ''
    return { ok: false, reason: `not the format Arbor writes${at}: ${first?.message ?? 'invalid'}` }
  }
  const { disabled, settings, trustedFolders, accepted } = parsed.data
  return {
    ok: true,
    state: {
      disabled: [...new Set(disabled)],
      settings: own(Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, own(v)]))),
      trustedFolders: [...new Set(trustedFolders)],
      accepted: own(accepted),
    },
  }
}
