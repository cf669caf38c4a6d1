import { readdir } from 'node:fs/promises'
import { join } from 'node:path'

/** Longest base name kept (a file system allows 255 bytes; the suffixes need some). */
const MAX_BASE = 120

/**
 * A path in `folder` for a file called `name` that overwrites nothing now: only its last path part, unsafe
 * characters replaced, at most 120 characters, `extension` enforced, and `-1`, `-2`… added while the name is
 * taken. (Another writer may take it meanwhile: create it exclusively.)
 */
export async function freeFileName(folder: string, name: string, extension: string): Promise<string> {
  const last = name.split(/[\\/]/).pop() ?? ''
  const safe = last.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '') || `file${extension}`
  const base = (safe.toLowerCase().endsWith(extension) ? safe.slice(0, -extension.length) : safe).slice(0, MAX_BASE) || 'file'
  const existing = new Set(await readdir(folder).catch(() => [] as string[]))
  for (let i = 0; ; i++) {
    const candidate = `${base}${i === 0 ? '' : `-${i}`}${extension}`
    if (!existing.has(candidate)) return join(folder, candidate)
  }
}
