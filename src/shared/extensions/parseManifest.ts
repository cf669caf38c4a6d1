import { z } from 'zod'
import { fail, ok, type Result } from '../errors'
import { DEFAULT_MEMORY_MB, defaultTimeouts, type ExtensionManifest } from './ExtensionManifest'

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/
const ms = z.number().int().min(10).max(600_000)

const arborFields = z.object({
  name: z.string().regex(NAME, 'lowercase letters, digits, ".", "_" or "-"').optional(),
  version: z.string().max(64).optional(),
  description: z.string().max(2000).optional(),
  entry: z.string().min(1).max(500).optional(),
  permissions: z.array(z.string().min(1).max(4096)).max(64).optional(),
  timeouts: z.object({ command: ms, tool: ms, hook: ms, load: ms }).partial().optional(),
  memoryMb: z.number().int().min(16).max(16_384).optional(),
  settings: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/), z.object({ description: z.string().optional(), default: z.string().optional() })).optional(),
})

const packageJson = z.object({
  name: z.string().optional(),
  version: z.string().optional(),
  description: z.string().optional(),
  main: z.string().optional(),
  arbor: arborFields.optional(),
})

/** `@scope/arbor-ext-foo` → `arbor-ext-foo`, lowercased and cleaned so it matches the name grammar. */
const cleanName = (raw: string): string =>
  raw.replace(/^@[^/]+\//, '').toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 64) || 'extension'

const problem = (where: string, error: z.ZodError): string => {
  const first = error.issues[0]
  const at = first?.path.length ? ` at "${first.path.join('.')}"` : ''
  return `Invalid ${where}${at}: ${first?.message ?? 'invalid'}.`
}

/**
 * Builds a manifest from the parsed JSON of `arbor.json` or `package.json` (either may be absent).
 * `fallbackName` is the folder or file name. Pure.
 */
export function parseManifest(input: { arborJson?: unknown; packageJson?: unknown }, fallbackName: string): Result<ExtensionManifest> {
  let fields: z.infer<typeof arborFields> = {}
  let pkg: z.infer<typeof packageJson> = {}
  if (input.packageJson !== undefined) {
    const parsed = packageJson.safeParse(input.packageJson)
    if (!parsed.success) return fail('EXTENSION_INVALID', problem('package.json', parsed.error))
    pkg = parsed.data
    fields = pkg.arbor ?? {}
  }
  if (input.arborJson !== undefined) {
    const parsed = arborFields.safeParse(input.arborJson)
    if (!parsed.success) return fail('EXTENSION_INVALID', problem('arbor.json', parsed.error))
    fields = { ...fields, ...parsed.data }
  }
  return ok({
    name: fields.name ?? cleanName(pkg.name ?? fallbackName),
    version: fields.version ?? pkg.version ?? '0.0.0',
    description: fields.description ?? pkg.description ?? '',
    entry: fields.entry ?? pkg.main ?? null,
    permissions: fields.permissions ?? [],
    timeouts: { ...defaultTimeouts, ...fields.timeouts },
    memoryMb: fields.memoryMb ?? DEFAULT_MEMORY_MB,
    settings: fields.settings ?? {},
    declared: input.arborJson !== undefined || pkg.arbor !== undefined,
  })
}
