import { join } from 'node:path'
import type { ExtensionFsOperations } from './ExtensionFsOperations'

/**
 * Watches a folder of extensions and reports, once the changes settle for `debounceMs`, which top-level
 * entry changed (its path). Saving a file often fires several events; editors write temporary files.
 */
export function watchExtensionsFolder(
  folder: string,
  ops: ExtensionFsOperations,
  debounceMs: number,
  onChanged: (location: string) => void,
): () => void {
  const timers = new Map<string, NodeJS.Timeout>()
  const stop = ops.watch(folder, (relative) => {
    const top = relative.split(/[\\/]/)[0]
    if (!top || top.startsWith('.') || top.endsWith('~')) return
    const location = join(folder, top)
    clearTimeout(timers.get(location))
    timers.set(
      location,
      setTimeout(() => {
        timers.delete(location)
        onChanged(location)
      }, debounceMs),
    )
  })
  return () => {
    stop()
    for (const timer of timers.values()) clearTimeout(timer)
    timers.clear()
  }
}
