import { ArborFailure, fail, ok, type Result } from '../../../shared/errors'
import { factsFromHeader } from '../../../shared/gguf/factsFromHeader'
import { scanGgufHeaderFrom } from '../../../shared/gguf/scanGgufHeader'
import type { ModelFacts } from '../../../shared/types'

/**
 * Reads a dropped file's header in the browser: the facts show at once, and a file that is
 * no model is refused before a single byte is uploaded. The server inspects it again.
 */
export async function previewHeader(file: File): Promise<Result<ModelFacts>> {
  const started = performance.now()
  try {
    const scan = await scanGgufHeaderFrom(async (length) => new Uint8Array(await file.slice(0, length).arrayBuffer()), file.size)
    if (scan.requiredFileBytes > file.size)
      return fail('GGUF_TRUNCATED_DATA', `The file is cut short: its header describes ${scan.requiredFileBytes.toLocaleString('en-US')} bytes of tensors but the file has ${file.size.toLocaleString('en-US')}. It is probably an incomplete download.`)
    const facts = factsFromHeader(scan, { path: file.name, fileName: file.name, fileBytes: file.size })
    return ok({ ...facts, warnings: [], inspectMs: performance.now() - started })
  } catch (error) {
    if (error instanceof ArborFailure) return { ok: false, error: error.toError() }
    return fail('GGUF_CORRUPT', `The header could not be read: ${(error as Error)?.message ?? String(error)}`)
  }
}
