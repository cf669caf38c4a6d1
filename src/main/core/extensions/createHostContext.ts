import type { ExtensionContext, NodeSnapshot, ToolCostReport, ToolInfo } from '../../../shared/extensions/ExtensionContext'
import type { HostRequestMethod, WireContext } from '../../../shared/extensions/hostProtocol'
import { fitsInBytes } from './fitsInBytes'

/** Asks the core something on behalf of the call in progress. */
export type HostRequest = (method: HostRequestMethod, args: unknown[]) => Promise<unknown>

const MAX_NOTIFY = 2000
const MAX_ENTRY_BYTES = 1024 * 1024

const MAX_UPDATE = 2000

/** The `ctx` a handler receives inside the host: the call's data, its cancellation, and callbacks through the channel. */
export function createHostContext(wire: WireContext, settings: Readonly<Record<string, string>>, request: HostRequest, signal: AbortSignal): ExtensionContext {
  return Object.freeze({
    signal,
    path: Object.freeze(wire.path),
    systemPrompt: wire.systemPrompt,
    model: wire.model,
    settings,
    getTree: async () => (await request('getTree', [])) as NodeSnapshot[],
    getTools: async () => (await request('getTools', [])) as ToolInfo[],
    getToolCost: async () => (await request('getToolCost', [])) as ToolCostReport | null,
    countTokens: async (text: string) => {
      if (typeof text !== 'string') throw new TypeError('countTokens(text): text must be a string.')
      return (await request('countTokens', [text])) as number | null
    },
    onUpdate: (text: string) => {
      // Fire and forget, like notify: progress that cannot be shown must not fail the handler.
      request('update', [String(text).slice(0, MAX_UPDATE)]).catch(() => undefined)
    },
    notify: (text: string) => {
      // Fire and forget: a notification that cannot be delivered must not fail the handler.
      request('notify', [String(text).slice(0, MAX_NOTIFY)]).catch(() => undefined)
    },
    appendEntry: async (customType: string, data: unknown) => {
      if (typeof customType !== 'string' || customType.length === 0 || customType.length > 200) {
        throw new TypeError('appendEntry(customType, data): customType must be a non-empty string of at most 200 characters.')
      }
      if (!fitsInBytes(data, MAX_ENTRY_BYTES)) throw new RangeError('appendEntry: data is larger than 1 MB.')
      await request('appendEntry', [customType, data === undefined ? null : JSON.parse(JSON.stringify(data))])
    },
  })
}
