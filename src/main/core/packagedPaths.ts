import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { sep } from 'node:path'

/**
 * In a packed app the code runs from `app.asar`, but what must be a real file on disk (native binaries, the
 * extension host script, the bundled extensions a host reads under Node's permission model) is unpacked beside it
 * in `app.asar.unpacked`. The same path there, when it exists; else the path as given (not packed, or not unpacked).
 * node-llama-cpp finds its binaries by the same rule.
 * @param exists Defaults to `existsSync`.
 */
export function toUnpacked(path: string, exists: (path: string) => boolean = existsSync): string {
  const marker = `.asar${sep}`
  const at = path.indexOf(marker)
  if (at < 0) return path
  const unpacked = `${path.slice(0, at)}.asar.unpacked${sep}${path.slice(at + marker.length)}`
  return exists(unpacked) ? unpacked : path
}

/**
 * The esbuild binary for this platform, unpacked: esbuild starts it as a process, which cannot run from inside an
 * archive. Null when the package is not installed. Resolved from `from` (a module URL or path).
 */
export function esbuildBinaryPath(from: string, exists: (path: string) => boolean = existsSync): string | null {
  const file = process.platform === 'win32' ? 'esbuild.exe' : 'bin/esbuild'
  try {
    return toUnpacked(createRequire(from).resolve(`@esbuild/${process.platform}-${process.arch}/${file}`), exists)
  } catch {
    return null
  }
}
