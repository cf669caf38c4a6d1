import { z } from 'zod'
import { hookNames } from '../extensions/ExtensionEvents'
import type { ExtensionInfo } from '../extensions/ExtensionInfo'
import type { PermissionInfo } from '../extensions/Permission'
import { arborErrorSchema } from './modelSchemas'

/** Schemas of the extensions side of the contract: the manager's list. */

/** An extension as the manager shows it: its info and what its tools cost in every prompt. */
export type ExtensionView = ExtensionInfo & {
  /** Tokens its tool definitions add to every prompt with the loaded model; null without a model. */
  toolTokens: number | null
}

const permissionInfoSchema: z.ZodType<PermissionInfo> = z.object({
  declared: z.string(),
  permission: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('fs.read'), path: z.string() }),
    z.object({ kind: z.literal('fs.write'), path: z.string() }),
    z.object({ kind: z.literal('net') }),
    z.object({ kind: z.literal('exec') }),
  ]),
  enforced: z.boolean(),
  note: z.string().optional(),
})

export const extensionViewSchema: z.ZodType<ExtensionView> = z.object({
  name: z.string(),
  version: z.string(),
  description: z.string(),
  source: z.enum(['bundled', 'user', 'installed', 'workspace']),
  location: z.string(),
  status: z.enum(['enabled', 'disabled', 'failed', 'untrusted', 'needs-consent']),
  running: z.boolean(),
  restarting: z.boolean(),
  lastError: arborErrorSchema.nullable(),
  faults: z.number().int().min(0),
  permissions: z.array(permissionInfoSchema),
  sandbox: z.enum(['bubblewrap', 'sandbox-exec']).nullable(),
  consent: z
    .object({ requested: z.array(z.string()), accepted: z.array(z.string()).nullable(), added: z.array(z.string()), removed: z.array(z.string()) })
    .nullable(),
  workspaceFolder: z.string().nullable(),
  settings: z.array(z.object({ name: z.string(), description: z.string(), default: z.string(), value: z.string() })),
  tools: z.array(z.object({ name: z.string(), description: z.string(), parameters: z.record(z.string(), z.unknown()) })),
  commands: z.array(z.object({ name: z.string(), description: z.string() })),
  hooks: z.array(z.enum(hookNames)),
  log: z.array(z.object({ at: z.number(), level: z.enum(['log', 'info', 'warn', 'error', 'debug', 'stdout', 'stderr']), text: z.string() })),
  toolTokens: z.number().int().min(0).nullable(),
})
