import type { ArborError } from '../../../shared/errors'

/** Why a host process ended when nobody asked it to, from its exit status and its last stderr lines. */
export function describeHostExit(code: number | null, signal: string | null, stderrTail: readonly string[], memoryMb: number): ArborError {
  const text = stderrTail.join('\n')
  if (/heap out of memory|Reached heap limit|Allocation failed/i.test(text)) {
    return {
      code: 'EXTENSION_FAILED',
      message: `The extension ran out of memory: its host's heap is capped at ${memoryMb} MB ("memoryMb" in its manifest).`,
      details: { memoryMb },
    }
  }
  const exitLine = stderrTail.findLast((line) => line.startsWith('The extension called process.exit'))
  if (exitLine) return { code: 'EXTENSION_FAILED', message: `${exitLine} Its host process ended.` }
  const status = signal ? `signal ${signal}` : `exit code ${code ?? 'unknown'}`
  const last = stderrTail.findLast((line) => line.trim() !== '' && !line.startsWith('    at '))
  return { code: 'EXTENSION_FAILED', message: `Its host process ended unexpectedly (${status})${last ? `: ${last.trim().slice(0, 500)}` : '.'}` }
}
