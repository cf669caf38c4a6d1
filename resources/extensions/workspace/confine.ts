import { realpathSync } from 'node:fs'
import { isAbsolute, relative, resolve, sep } from 'node:path'

/** Resolves a path given by the model inside `root`; throws when it leads outside (`..`, absolute, a symlink). */
export function confine(root: string, requested: unknown): string {
  if (typeof requested !== 'string') throw new Error('path must be a string')
  const full = resolve(root, requested || '.')
  let real = full
  try {
    real = realpathSync(full)
  } catch {
    // A missing file: the read that follows reports it.
  }
  for (const candidate of [full, real]) {
    const rel = relative(root, candidate)
    if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) throw new Error(`"${requested}" is outside the workspace folder`)
  }
  return full
}
