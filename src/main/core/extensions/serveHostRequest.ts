import { fail, ok, type Result } from '../../../shared/errors'
import type { ToolInfo } from '../../../shared/extensions/ExtensionContext'
import type { HostRequestMethod } from '../../../shared/extensions/hostProtocol'
import { toolTokenCost } from '../../../shared/extensions/toolTokenCost'
import type { ExtensionCallContext } from './ExtensionCallContext'
import { fitsInBytes } from './fitsInBytes'

/** The most an extension may store in one session entry; checked here, not only in its host (which it controls). */
export const MAX_ENTRY_BYTES = 1024 * 1024

/** Answers a host's callback (`ctx.notify`, `ctx.appendEntry`, …) with the context of the call it belongs to. */
export async function serveHostRequest(
  method: HostRequestMethod,
  args: unknown[],
  ctx: ExtensionCallContext,
  extension: string,
  tools: () => ToolInfo[],
): Promise<Result<unknown>> {
  try {
    if (method === 'notify') {
      ctx.notify(String(args[0] ?? '').slice(0, 2000), extension)
      return ok(null)
    }
    if (method === 'appendEntry') {
      const [customType, data] = args
      if (typeof customType !== 'string' || customType.length === 0 || customType.length > 200) return fail('BAD_REQUEST', 'appendEntry needs a customType of 1 to 200 characters.')
      // Arbor's own state (the system prompt, the favourite path, per-turn numbers) is not an extension's to write.
      if (customType.startsWith('arbor.')) return fail('EXTENSION_PERMISSION', `Entries of type "arbor.*" are Arbor's own; "${extension}" may not write them.`)
      if (!fitsInBytes(data ?? null, MAX_ENTRY_BYTES)) return fail('EXTENSION_FAILED', `${extension}: an entry is at most 1 MB.`, { limitBytes: MAX_ENTRY_BYTES })
      await ctx.appendEntry(customType, data ?? null, extension)
      return ok(null)
    }
    if (method === 'countTokens') {
      if (typeof args[0] !== 'string') return fail('BAD_REQUEST', 'countTokens needs a text.')
      return ok(ctx.countTokens ? await ctx.countTokens(args[0]) : null)
    }
    if (method === 'getTree') return ok(await ctx.tree())
    if (method === 'getTools') return ok(tools())
    if (method === 'getToolCost') {
      const { toolPromptTokens } = ctx
      if (!toolPromptTokens) return ok(null)
      const offered = tools()
      const cost = await toolTokenCost(offered, toolPromptTokens)
      return ok({ ...cost, tools: cost.tools.map((t, i) => ({ ...t, extension: offered[i]!.extension })) })
    }
    return fail('UNKNOWN_REQUEST', `Unknown host request "${String(method).slice(0, 40)}".`)
  } catch (error) {
    return fail('INTERNAL', `${method} failed in the core: ${(error as Error).message}`)
  }
}
