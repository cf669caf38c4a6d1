import { z } from 'zod'
import { MAX_COMPACTION_TOKENS, type AppSettings } from '../appSettings'
import { OVERFLOW_POLICIES } from '../contextBudget'

const compactionTokens = z.number().int().min(1).max(MAX_COMPACTION_TOKENS).nullable()

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
} satisfies { [K in keyof AppSettings]: z.ZodType<AppSettings[K]> }

export const appSettingsSchema: z.ZodType<AppSettings> = z.object(appSettingsFields)
