import { readdir } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * A path in `folder` for a file called `name` that overwrites nothing: unsafe characters
 * replaced, `extension` enforced, and `-1`, `-2`… added while the name is taken.
 */
export async function freeFileName(folder: string, name: string, extension: string): Promise<string> {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '') || `file${extension}`
  const base = safe.toLowerCase().endsWith(extension) ? safe.slice(0, -extension.length) : safe
  const existing = new Set(await readdir(folder).catch(() => [] as string[]))
  for (let i = 0; ; i++) {
    const candidate = `${base}${i === 0 ? '' : `-${i}`}${extension}`
    if (!existing.has(candidate)) return join(folder, candidate)
  }
}
