import { dirname } from 'node:path'
import type { Message } from 'esbuild'
import { fail, ok, type Result } from '../../../shared/errors'

const describe = (m: Message): string => {
  const at = m.location ? `${m.location.file}:${m.location.line}:${m.location.column + 1}: ` : ''
  return `${at}${m.text}`
}

/**
 * Compiles an extension's entry (TypeScript or JavaScript, ESM or CommonJS) into one CommonJS module
 * with an inline source map. Its relative imports are bundled in; packages stay `require`s resolved
 * from its own folder at run time. Runs in the core: esbuild starts a process of its own, which a
 * host without `exec` may not do.
 */
export async function compileExtension(entryPath: string): Promise<Result<string>> {
  try {
    // Loaded when needed: in a packed app esbuild learns where its unpacked binary is before it loads.
    const { build } = await import('esbuild')
    const result = await build({
      entryPoints: [entryPath],
      absWorkingDir: dirname(entryPath),
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'inline',
      sourcesContent: false,
      write: false,
      logLevel: 'silent',
    })
    const out = result.outputFiles.find((f) => f.path.endsWith('.js')) ?? result.outputFiles[0]
    if (!out) return fail('EXTENSION_INVALID', `Compiling ${entryPath} produced nothing.`)
    return ok(out.text)
  } catch (error) {
    const errors = (error as { errors?: Message[] }).errors
    const message = errors?.length ? errors.slice(0, 3).map(describe).join('\n') : (error as Error).message
    return fail('EXTENSION_INVALID', `Could not compile the extension: ${message}`)
  }
}
