import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import os from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { toUnpacked } from './packagedPaths'

/** A script that runs in a process of its own: the extension host, the model probe. */
export type ChildScript = {
  /** The TypeScript entry, as a URL (`new URL('./x.ts', import.meta.url)`). */
  entry: URL
  /** The file the app build emits beside the bundled main process (`out/main/<name>`), used as is when there. */
  prebuiltName: string
  format: 'cjs' | 'esm'
  /** Packages left out of the bundle, imported by absolute URL so that the script may live in any folder. */
  external?: readonly string[]
}

const built = new Map<string, Promise<string>>()

/**
 * The script as one file a process can run: the prebuilt one beside `moduleDir` (in a packed app, its unpacked copy
 * when there is one), else, run from source (tsx, vitest), `entry` bundled with esbuild into `outDir`, once per
 * content.
 * @param outDir Defaults to `<tmp>/arbor-child-scripts-<user id>`.
 */
export function childScriptPath(script: ChildScript, moduleDir: string, outDir = join(os.tmpdir(), `arbor-child-scripts-${os.userInfo().uid}`)): Promise<string> {
  const prebuilt = prebuiltChildScript(script.prebuiltName, moduleDir)
  if (prebuilt) return Promise.resolve(prebuilt)
  const key = `${script.entry.href}\n${outDir}`
  let promise = built.get(key)
  if (!promise) {
    promise = bundle(script, outDir)
    built.set(key, promise)
    promise.catch(() => built.delete(key))
  }
  return promise
}

/** `out/main/<name>` beside the bundled main process, or null when run from source. */
export function prebuiltChildScript(name: string, moduleDir: string, exists: (path: string) => boolean = existsSync): string | null {
  const path = toUnpacked(join(moduleDir, name), exists)
  return exists(path) ? path : null
}

/** The folder of a module, from its `import.meta.url`. */
export const moduleFolder = (url: string): string => dirname(fileURLToPath(url))

async function bundle(script: ChildScript, outDir: string): Promise<string> {
  // Loaded when needed: in a packed app esbuild learns where its unpacked binary is before it loads.
  const { build } = await import('esbuild')
  const require = createRequire(script.entry)
  const external = new Set(script.external ?? [])
  const result = await build({
    entryPoints: [fileURLToPath(script.entry)],
    bundle: true,
    platform: 'node',
    format: script.format,
    target: 'node20',
    write: false,
    logLevel: 'silent',
    plugins: [
      {
        name: 'external-by-url',
        setup(b) {
          b.onResolve({ filter: /.*/ }, (args) =>
            external.has(args.path) ? { path: pathToFileURL(require.resolve(args.path)).href, external: true } : undefined,
          )
        },
      },
    ],
  })
  const code = result.outputFiles[0]!.text
  const extension = script.format === 'cjs' ? 'cjs' : 'mjs'
  const file = join(outDir, `${script.prebuiltName.replace(/\.\w+$/, '')}-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.${extension}`)
  // The temporary folder is shared: the folder must be ours, and a file found there exactly what was built.
  await mkdir(outDir, { recursive: true, mode: 0o700 })
  const owner = (await stat(outDir)).uid
  if (process.getuid && owner !== process.getuid()) throw new Error(`${outDir} belongs to another user; pass another folder.`)
  if (existsSync(file) && (await readFile(file, 'utf8').catch(() => '')) === code) return file
  // Written aside and renamed: test files start children in parallel processes.
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`
  await writeFile(temp, code)
  await rename(temp, file)
  return file
}
