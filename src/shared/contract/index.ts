import type { z } from 'zod'
import type { Result } from '../errors'
import { arborEventSchema, type ArborEvent } from './events'
import { isRequestName, requests, type RequestArgs, type RequestName, type RequestResults } from './requests'

/**
 * The one contract between the core and any UI. Electron IPC, the headless WebSocket and the CLI carry exactly
 * these requests and events; nothing else crosses.
 */

export { arborEventSchema, type ArborEvent, type ArborEventType } from './events'
export { appSnapshotSchema, isRequestName, requestNames, requests, type RequestArgs, type RequestName, type RequestResults } from './requests'
export { type ExtensionView } from './extensionSchemas'

/** The one function both transports expose to the renderer. */
export type ArborRequest = <K extends RequestName>(name: K, arg: RequestArgs[K]) => Promise<Result<RequestResults[K]>>

/** Where a value breaks its schema, for people: "at "a.b": message". */
const describeIssue = (error: z.ZodError): string => {
  const first = error.issues[0]
  const where = first?.path.length ? ` at "${first.path.join('.')}"` : ''
  return `${where}: ${first?.message ?? 'invalid'}`
}

/** Validates an incoming request; returns a readable reason when it is malformed. */
export function parseRequest(
  name: unknown,
  arg: unknown,
): { ok: true; name: RequestName; arg: unknown } | { ok: false; code: 'UNKNOWN_REQUEST' | 'BAD_REQUEST'; message: string } {
  if (!isRequestName(name)) return { ok: false, code: 'UNKNOWN_REQUEST', message: `Unknown request "${String(name).slice(0, 80)}".` }
  const parsed = requests[name].arg.safeParse(arg)
  if (!parsed.success) return { ok: false, code: 'BAD_REQUEST', message: `Malformed "${name}" request${describeIssue(parsed.error)}.` }
  return { ok: true, name, arg: parsed.data }
}

/** Checks a request's answer against its result schema; null when it matches, else what is wrong. */
export function checkResult(name: RequestName, value: unknown): string | null {
  const parsed = requests[name].result.safeParse(value)
  return parsed.success ? null : `The answer to "${name}" is malformed${describeIssue(parsed.error)}.`
}

/** Checks an event against its schema: the event when it matches, else what is wrong. */
export function parseEvent(value: unknown): { ok: true; event: ArborEvent } | { ok: false; message: string } {
  const parsed = arborEventSchema.safeParse(value)
  if (parsed.success) return { ok: true, event: value as ArborEvent }
  const type = typeof value === 'object' && value !== null ? String((value as { type?: unknown }).type).slice(0, 40) : typeof value
  return { ok: false, message: `Malformed "${type}" event${describeIssue(parsed.error)}.` }
}

/** Wire format of the headless WebSocket. */
export type WireClientMessage = { id: number; name: RequestName; arg: unknown }
export type WireServerMessage = { kind: 'response'; id: number; result: Result<unknown> } | { kind: 'event'; event: ArborEvent }
