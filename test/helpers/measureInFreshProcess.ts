import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { LoadSettings } from '../../src/shared/types'

export type FreshMeasurement = { ramBytes: number; vramBytes: number; filledTokens: number; estimateRamBytes: number }

/**
 * `arbor measure --json` in its own process. RSS growth means something only in a process that
 * loaded nothing before: a freed model leaves allocator arenas behind that the next one reuses.
 */
export async function measureInFreshProcess(path: string, s: LoadSettings): Promise<FreshMeasurement> {
  const root = join(import.meta.dirname, '../..')
  const args = [join(root, 'src/main/cli/arbor.ts'), 'measure', path, '--context', String(s.contextSize), '--sequences', String(s.sequences), '--gpu-layers', String(s.gpuLayers), '--threads', String(s.threads), '--json']
  const { stdout } = await promisify(execFile)(join(root, 'node_modules/.bin/tsx'), args, { maxBuffer: 16 << 20 })
  const out = JSON.parse(stdout) as { measured?: { ramBytes: number; vramBytes: number; filledTokens: number }; estimate?: { ramBytes: number }; error?: { message: string } }
  if (!out.measured || !out.estimate) throw new Error(`measure failed: ${out.error?.message ?? stdout}`)
  return { ...out.measured, estimateRamBytes: out.estimate.ramBytes }
}
