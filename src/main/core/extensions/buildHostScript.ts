import { childScriptPath, moduleFolder, prebuiltChildScript, type ChildScript } from '../childScripts'

const hostScript: ChildScript = { entry: new URL('./hostMain.ts', import.meta.url), prebuiltName: 'hostMain.cjs', format: 'cjs' }

/**
 * The host script as one CommonJS file the host process can run with plain Node (no loader, so that
 * it needs read access to that one file only). A prebuilt `hostMain.cjs` beside this module is used as is:
 * the app build (`electron.vite.config.ts`) emits it as `out/main/hostMain.cjs`, beside the bundled main
 * `out/main/index.js` that this module is part of. Run from source (tsx, vitest), `hostMain.ts` is bundled
 * with esbuild into `outDir`, once per content.
 * @param outDir Defaults to `<tmp>/arbor-child-scripts-<user id>`.
 */
export function buildHostScript(outDir?: string): Promise<string> {
  return childScriptPath(hostScript, moduleFolder(import.meta.url), outDir)
}

/**
 * The host script the app build emitted beside this module (`out/main/hostMain.cjs`), as a file a process can
 * run: in a packed app, its unpacked copy. Null when it is not there (run from source).
 * @param moduleDir Defaults to this module's folder.
 */
export function prebuiltHostScript(moduleDir = moduleFolder(import.meta.url), exists?: (path: string) => boolean): string | null {
  return prebuiltChildScript('hostMain.cjs', moduleDir, exists)
}
