import { resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'
import { build, type Plugin, type Rolldown } from 'vite'

/**
 * Emits a script that runs in its own process as one file beside `out/main/index.js`, where the main process looks
 * for it. A separate bundle, because the main build is ESM and shares chunks between its entries.
 * - `hostMain.cjs`, the extension host: CommonJS with nothing external, as a host may read that one file only.
 * - `probeMain.mjs`, the model probe: ESM with node-llama-cpp external (resolved from `node_modules` as the main
 *   process resolves it).
 */
function childScript(name: string, source: string, fileName: string, options: { format: 'cjs' | 'es'; external: string[] }): Plugin {
  const entry = resolve(import.meta.dirname, source)
  return {
    name: `arbor:${name}`,
    apply: 'build',
    async generateBundle() {
      const result = (await build({
        configFile: false,
        envDir: false,
        root: import.meta.dirname,
        logLevel: 'warn',
        ssr: { target: 'node', noExternal: true, external: options.external },
        build: {
          ssr: entry,
          write: false,
          target: 'node20',
          minify: false,
          rolldownOptions: { external: options.external, output: { format: options.format, entryFileNames: fileName, codeSplitting: false } },
        },
      })) as Rolldown.RolldownOutput
      const chunk = result.output.find((item): item is Rolldown.OutputChunk => item.type === 'chunk' && item.isEntry)
      if (!chunk) throw new Error(`${fileName} was not built.`)
      for (const id of chunk.moduleIds) if (!id.startsWith('\0')) this.addWatchFile(id)
      this.emitFile({ type: 'asset', fileName, source: chunk.code })
    },
  }
}

/**
 * Three builds: the main process (ESM, dependencies such as node-llama-cpp stay external, plus the
 * extension host script, CommonJS and fully bundled), the preload (CommonJS and fully bundled, as a
 * sandboxed preload can `require` nothing but `electron`), and the renderer (a plain web app, also
 * served by the headless server).
 */
export default defineConfig({
  main: {
    plugins: [
      childScript('extension-host-script', 'src/main/core/extensions/hostMain.ts', 'hostMain.cjs', { format: 'cjs', external: [] }),
      childScript('model-probe-script', 'src/main/core/engine/probe/probeMain.ts', 'probeMain.mjs', { format: 'es', external: ['node-llama-cpp'] }),
    ],
    build: {
      outDir: 'out/main',
      externalizeDeps: true,
      rolldownOptions: {
        input: { index: resolve(import.meta.dirname, 'src/main/index.ts') },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(import.meta.dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      rolldownOptions: {
        input: { index: resolve(import.meta.dirname, 'src/renderer/index.html') },
      },
    },
  },
})
