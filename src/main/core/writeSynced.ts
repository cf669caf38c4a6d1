import { open } from 'node:fs/promises'

/**
 * Writes `text` to `path` (opened with `flags`: `'w'` to replace, `'wx'` to create only) and fsyncs it before
 * closing: the bytes are on disk when this resolves.
 */
export async function writeSynced(path: string, text: string | Uint8Array, flags: 'w' | 'wx', mode?: number): Promise<void> {
  const handle = await open(path, flags, mode)
  try {
    await handle.writeFile(text)
    await handle.sync()
  } finally {
    await handle.close()
  }
}
