import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { toUnpacked } from '../packagedPaths'

const built = new Map<string, Promise<string>>()

/**
 * The host script as one CommonJS file the host process can run with plain Node (no loader, so that
 * it needs read access to that one file only). A prebuilt `hostMain.cjs` beside this module is used as is:
 * the app build (`electron.vite.config.ts`) emits it as `out/main/hostMain.cjs`, beside the bundled main
 * `out/main/index.js` that this module is part of. Run from source (tsx, vitest), `hostMain.ts` is bundled
 * with esbuild into `outDir`, once per content.
 * @param outDir Defaults to `<tmp>/arbor-extension-host-<user id>`.
 */
export function buildHostScript(outDir = join(os.tmpdir(), `arbor-extension-host-${os.userInfo().uid}`)): Promise<string> {
  const prebuilt = prebuiltHostScript()
  if (prebuilt) return Promise.resolve(prebuilt)
  let promise = built.get(outDir)
  if (!promise) {
    promise = bundle(outDir)
    built.set(outDir, promise)
    promise.catch(() => built.delete(outDir))
  }
  return promise
}

/**
 * The host script the app build emitted beside this module (`out/main/hostMain.cjs`), as a file a process can
 * run: in a packed app, its unpacked copy. Null when it is not there (run from source).
 * @param moduleDir Defaults to this module's folder.
 */
export function prebuiltHostScript(moduleDir = dirname(fileURLToPath(import.meta.url)), exists: (path: string) => boolean = existsSync): string | null {
  const path = toUnpacked(join(moduleDir, 'hostMain.cjs'), exists)
  return exists(path) ? path : null
}

async function bundle(outDir: string): Promise<string> {
  // Loaded when needed: in a packed app esbuild learns where its unpacked binary is before it loads.
  const { build } = await import('esbuild')
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./hostMain.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  })
  const code = result.outputFiles[0]!.text
  const file = join(outDir, `host-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.cjs`)
  // The temporary folder is shared: the folder must be ours, and a file found there exactly what was built.
  await mkdir(outDir, { recursive: true, mode: 0o700 })
  const owner = (await stat(outDir)).uid
  if (process.getuid && owner !== process.getuid()) throw new Error(`${outDir} belongs to another user; pass another folder.`)
  if (existsSync(file) && (await readFile(file, 'utf8').catch(() => '')) === code) return file
  // Written aside and renamed: test files start hosts in parallel processes.
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`
  await writeFile(temp, code)
  await rename(temp, file)
  return file
}
