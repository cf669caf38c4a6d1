import { open } from 'node:fs/promises'
import { ArborFailure } from '../../../shared/errors'
import { fileError } from './inspectModel'

export type ReadProgress = (bytesRead: number, bytesTotal: number) => void

/**
 * Reads a whole file once, reporting the bytes really read. With mmap, llama.cpp maps the
 * file and reports progress only at the end; reading it first puts it in the page cache, so
 * the bar shows the true cost of the load (the disk read) and the mapping that follows is fast.
 */
export async function readFileWithProgress(
  path: string,
  onProgress: ReadProgress,
  signal: AbortSignal,
  chunkBytes = 8 << 20,
): Promise<number> {
  const handle = await open(path, 'r').catch((error: unknown) => {
    throw fileError(error, path)
  })
  try {
    const { size } = await handle.stat()
    const buffer = Buffer.allocUnsafe(chunkBytes)
    let done = 0
    let lastReport = 0
    onProgress(0, size)
    while (done < size) {
      if (signal.aborted) throw new ArborFailure('LOAD_CANCELLED', 'The load was cancelled.')
      const { bytesRead } = await handle.read(buffer, 0, Math.min(chunkBytes, size - done), done)
      if (bytesRead === 0)
        throw new ArborFailure('GGUF_TRUNCATED_DATA', `The file shrank while it was being read (${done} of ${size} bytes).`)
      done += bytesRead
      const now = Date.now()
      if (now - lastReport >= 50 || done === size) {
        lastReport = now
        onProgress(done, size)
      }
    }
    return size
  } finally {
    await handle.close()
  }
}
