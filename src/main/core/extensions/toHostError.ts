import type { ArborError } from '../../../shared/errors'

/** The first stack frame in the extension's own code (source-mapped to its TypeScript), if any. */
const whereThrown = (stack: unknown): string => {
  if (typeof stack !== 'string') return ''
  const frame = stack
    .split('\n')
    .filter((line) => line.startsWith('    at '))
    .find((line) => !line.includes('node:') && !line.includes('arbor-extension-host') && !line.includes('hostMain'))
  const location = frame?.match(/\(?([^()\s]+:\d+:\d+)\)?$/)?.[1]
  return location ? ` (at ${location})` : ''
}

/** An error thrown by extension code, as data: permission denials get their own code and a hint. */
export function toHostError(error: unknown, where: string): ArborError {
  const e = error as { code?: unknown; message?: unknown; resource?: unknown; permission?: unknown; stack?: unknown } | null
  const message = e && typeof e.message === 'string' ? e.message : String(error)
  if (e && e.code === 'ERR_ACCESS_DENIED') {
    const resource = typeof e.resource === 'string' ? ` to ${e.resource}` : ''
    const kind = e.permission === 'FileSystemWrite' ? 'fs.write' : e.permission === 'ChildProcess' ? 'exec' : 'fs.read'
    const hint = kind === 'exec' ? 'declare "exec"' : `declare "${kind}:<folder>"`
    return { code: 'EXTENSION_PERMISSION', message: `${where}: access${resource} was denied (${String(e.permission ?? 'permission')}); ${hint} in the manifest.` }
  }
  return { code: 'EXTENSION_FAILED', message: `${where}: ${message.slice(0, 2000)}${whereThrown(e?.stack)}` }
}
