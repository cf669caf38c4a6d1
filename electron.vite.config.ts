import { resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'
import { build, type Plugin, type Rolldown } from 'vite'

/**
 * Emits the extension host as `out/main/hostMain.cjs`, beside `out/main/index.js` where `buildHostScript`
 * looks for it: one CommonJS file with nothing external, as a host may read that one file only.
 * A separate bundle, because the main build is ESM and shares chunks between its entries.
 */
function extensionHostScript(): Plugin {
  const entry = resolve(import.meta.dirname, 'src/main/core/extensions/hostMain.ts')
  return {
    name: 'arbor:extension-host-script',
    apply: 'build',
    async generateBundle() {
      const result = (await build({
        configFile: false,
        envDir: false,
        root: import.meta.dirname,
        logLevel: 'warn',
        ssr: { target: 'node', noExternal: true },
        build: {
          ssr: entry,
          write: false,
          target: 'node20',
          minify: false,
          rolldownOptions: { output: { format: 'cjs', entryFileNames: 'hostMain.cjs', codeSplitting: false } },
        },
      })) as Rolldown.RolldownOutput
      const chunk = result.output.find((item): item is Rolldown.OutputChunk => item.type === 'chunk' && item.isEntry)
      if (!chunk) throw new Error('The extension host script was not built.')
      for (const id of chunk.moduleIds) if (!id.startsWith('\0')) this.addWatchFile(id)
      this.emitFile({ type: 'asset', fileName: 'hostMain.cjs', source: chunk.code })
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
    plugins: [extensionHostScript()],
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
