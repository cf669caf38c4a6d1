import { readFile, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { PrunedLines } from '../../../shared/session/SessionDocument'
import { writeSynced } from '../writeSynced'

/**
 * The lines a prune removed, kept beside the session (`.<name>.jsonl.pruned`, one JSON object per prune, oldest
 * first) so that it can be undone after the session was closed and opened again, until the user empties it. Pi
 * and the sessions list skip dot files.
 */
export const prunedSidecarPath = (sessionPath: string) => join(dirname(sessionPath), `.${basename(sessionPath)}.pruned`)

const isPruned = (v: unknown): v is PrunedLines =>
  typeof v === 'object' && v !== null && Array.isArray((v as PrunedLines).removed) && Array.isArray((v as PrunedLines).reparented)

/** The prunes kept for a session; none when there is no sidecar or it cannot be read (a bad line is skipped). */
export async function readPruned(sessionPath: string): Promise<PrunedLines[]> {
  const text = await readFile(prunedSidecarPath(sessionPath), 'utf8').catch(() => '')
  const out: PrunedLines[] = []
  for (const line of text.split('\n')) {
    if (!line.trim()) continue
    try {
      const value: unknown = JSON.parse(line)
      if (isPruned(value)) out.push(value)
    } catch {
      // A torn last line (a crash while writing): that prune cannot be undone after a restart.
    }
  }
  return out
}

/** Writes the prunes that can still be undone (durably), or removes the sidecar when there are none. */
export async function writePruned(sessionPath: string, prunes: readonly PrunedLines[]): Promise<void> {
  const path = prunedSidecarPath(sessionPath)
  if (prunes.length === 0) return rm(path, { force: true })
  const temp = `${path}.${process.pid}.tmp`
  await writeSynced(temp, prunes.map((p) => JSON.stringify(p)).join('\n') + '\n', 'w')
  await rename(temp, path)
}
