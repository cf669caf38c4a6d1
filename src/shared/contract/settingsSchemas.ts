import { z } from 'zod'
import { MAX_COMPACTION_TOKENS, type AppSettings } from '../appSettings'
import { OVERFLOW_POLICIES } from '../contextBudget'

const compactionTokens = z.number().int().min(1).max(MAX_COMPACTION_TOKENS).nullable()

/** A server's base URL: http(s), a host, perhaps a port and a path (`/v1` or none). */
export const engineBaseUrl = z.string().max(2000).regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, 'a base URL: http(s)://host[:port][/path]')

/** Each app setting with its bounds: what `settings.set` accepts (any subset) and what `settings.json` may hold. */
export const appSettingsFields = {
  overflowPolicy: z.enum(OVERFLOW_POLICIES),
  reserveTokens: compactionTokens,
  keepRecentTokens: compactionTokens,
  apiAutoStart: z.boolean(),
  apiPort: z.number().int().min(1).max(65_535).nullable(),
  apiRecord: z.boolean(),
  apiCorsOrigins: z.array(z.string().regex(/^https?:\/\/[^\s/]+$/, 'an origin: http(s)://host[:port], no path').max(300)).max(32),
  apiKey: z.string().min(1).max(200).regex(/^[\x21-\x7e]+$/, 'printable characters, no spaces').nullable(),
  hfToken: z.string().min(1).max(400).regex(/^[\x21-\x7e]+$/, 'printable characters, no spaces').nullable(),
  reloadLastModel: z.boolean(),
  engineServer: z.object({ baseUrl: engineBaseUrl, model: z.string().min(1).max(300).nullable() }).nullable(),
  engineConnectTimeoutSeconds: z.number().int().min(1).max(600),
  engineIdleTimeoutSeconds: z.number().int().min(5).max(3600),
} satisfies { [K in keyof AppSettings]: z.ZodType<AppSettings[K]> }

export const appSettingsSchema: z.ZodType<AppSettings> = z.object(appSettingsFields)
