import { z } from 'zod'
import type { ApiRequestLog, ApiServerStatus } from '../apiServer'
import { appSettingsFields } from './settingsSchemas'

export const apiServerStatusSchema: z.ZodType<ApiServerStatus & { error: string | null }> = z.object({
  running: z.boolean(),
  host: z.string(),
  port: z.number().int().min(0).max(65_535),
  baseUrl: z.string().nullable(),
  keyRequired: z.boolean(),
  error: z.string().nullable(),
})

export const apiRequestLogSchema: z.ZodType<ApiRequestLog> = z.object({
  id: z.string(),
  at: z.string(),
  client: z.string(),
  path: z.string(),
  status: z.number().int(),
  promptTokens: z.number().int().min(0),
  cachedTokens: z.number().int().min(0),
  completionTokens: z.number().int().min(0),
  timeToFirstTokenMs: z.number().min(0).nullable(),
  totalMs: z.number().min(0),
})

/** `server.start`: the port and key to use (else the remembered ones); loopback unless a key is set. */
export const apiStartSchema = z
  .object({
    port: appSettingsFields.apiPort.unwrap().optional(),
    apiKey: appSettingsFields.apiKey.optional(),
    host: z.string().min(1).max(255).optional(),
  })
  .strict()
