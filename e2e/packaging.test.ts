import { createPackageFromFiles, listPackage } from '@electron/asar'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import { dirname, join, relative, sep } from 'node:path'
import { minimatch } from 'minimatch'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultExtensionFolders } from '../src/main/core/arborHome'
import { prebuiltHostScript } from '../src/main/core/extensions/buildHostScript'
import { toUnpacked } from '../src/main/core/packagedPaths'

const root = join(import.meta.dirname, '..')
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>
  build: { files: string[]; asarUnpack: string[] }
}
const builderOs = ({ darwin: 'mac', win32: 'win' } as Record<string, string>)[process.platform] ?? process.platform
/** electron-builder's `${os}` and `${arch}` macros, for this machine. */
const expand = (pattern: string) => pattern.replaceAll('${os}', builderOs).replaceAll('${arch}', process.arch)

/** The production dependencies, as electron-builder collects them: every package reachable through dependencies. */
function productionPackages(): string[] {
  const dirs = new Set<string>()
  // Node's lookup: the nearest node_modules folder that has it (a package's "exports" may hide its package.json).
  const locate = (name: string, from: string): string | null => {
    for (let dir = from; ; dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', name)
      if (existsSync(join(candidate, 'package.json'))) return candidate
      if (dirname(dir) === dir) return null
    }
  }
  const visit = (name: string, from: string) => {
    const dir = locate(name, from)
    // An optional dependency for another platform is not installed.
    if (!dir || dirs.has(dir)) return
    dirs.add(dir)
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: object; optionalDependencies?: object }
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) visit(dep, dir)
  }
  for (const dep of Object.keys(manifest.dependencies)) visit(dep, root)
  return [...dirs]
}

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true }).flatMap((e) => (e.isFile() || e.isSymbolicLink() ? [join(e.parentPath, e.name)] : []))

/**
 * The app's files as electron-builder selects them from the `build.files` patterns of package.json: the app's own
 * files that a pattern includes, and the production node_modules, each then kept or dropped by the last pattern
 * that matches it (in order).
 */
function selectFiles(): string[] {
  const patterns = manifest.build.files.map(expand)
  const own = patterns.filter((p) => !p.startsWith('!') && !p.startsWith('node_modules/'))
  const candidates = [
    ...own.flatMap((p) => (p.endsWith('/**') ? filesUnder(join(root, p.slice(0, -3))) : [join(root, p)])),
    ...productionPackages().flatMap(filesUnder),
  ]
  return candidates.filter((file) => {
    const rel = relative(root, file).split(sep).join('/')
    let kept = rel.startsWith('node_modules/') || own.some((p) => minimatch(rel, p, { dot: true }))
    for (const p of patterns) {
      const negated = p.startsWith('!')
      if (minimatch(rel, negated ? p.slice(1) : p, { dot: true })) kept = !negated
    }
    return kept
  })
}

/**
 * The packed app without Electron's binary: the built app packed with @electron/asar by the same include and
 * unpack globs electron-builder uses, then the main process's own path resolution pointed at it.
 */
describe('the packed app', () => {
  let resources: string
  let asar: string
  let packed: Set<string>
  beforeAll(async () => {
    resources = join(await mkdtemp(join(os.tmpdir(), 'arbor-pack-')), 'resources')
    asar = join(resources, 'app.asar')
    const files = selectFiles()
    const unpack = `{${manifest.build.asarUnpack.map((p) => join(root, expand(p))).join(',')}}`
    await createPackageFromFiles(root, asar, files, undefined, { unpack })
    packed = new Set(listPackage(asar, { isPack: false }).map((p) => p.split(sep).join('/')))
  }, 300_000)
  afterAll(async () => {
    if (resources) await rm(dirname(resources), { recursive: true, force: true })
  })

  const unpacked = (rel: string) => join(resources, 'app.asar.unpacked', rel)

  it('holds the built app, and only its production dependencies for this platform', () => {
    for (const file of ['/out/main/index.js', '/out/main/probeMain.mjs', '/out/preload/index.cjs', '/out/renderer/index.html', '/package.json', '/node_modules/ws/package.json', '/node_modules/zod/package.json'])
      expect(packed, file).toContain(file)
    expect([...packed].some((p) => p.startsWith('/src/') || p.startsWith('/test/') || p.startsWith('/node_modules/react/'))).toBe(false)
    expect([...packed].some((p) => p.includes('gitRelease.bundle'))).toBe(false)
    // Other platforms' prebuilt binaries stay out; this platform's are in.
    const other = process.arch === 'x64' ? 'arm64' : 'x64'
    expect([...packed].some((p) => p.includes(`/@node-llama-cpp/${builderOs}-${other}/bins/`))).toBe(false)
  })

  it("unpacks node-llama-cpp's binary for this platform where its .asar → .asar.unpacked rewrite looks", () => {
    const addon = `node_modules/@node-llama-cpp/${builderOs}-${process.arch}/bins/${builderOs}-${process.arch}/llama-addon.node`
    expect(existsSync(unpacked(addon))).toBe(true)
    expect(statSync(unpacked(addon)).size).toBeGreaterThan(100_000)
    // node-llama-cpp, running in Electron, rewrites ".asar/" to ".asar.unpacked/" in its binary's path: the same rule.
    const rule = readFileSync(join(root, 'node_modules/node-llama-cpp/dist/bindings/utils/resolveActualBindingBinaryPath.js'), 'utf8')
    expect(rule).toContain('".asar.unpacked" + path.sep')
    expect(toUnpacked(join(asar, addon))).toBe(unpacked(addon))
  })

  it('finds the bundled extensions and the extension host script unpacked, as the main process resolves them', () => {
    const { bundledFolder } = defaultExtensionFolders(asar)
    expect(bundledFolder).toBe(unpacked('resources/extensions'))
    expect(readdirSync(bundledFolder)).toEqual(expect.arrayContaining(['tokens', 'workspace', 'export', 'trim-tool-output']))
    // The host launcher runs the script emitted beside the main bundle, from its unpacked copy.
    expect(prebuiltHostScript(join(asar, 'out/main'))).toBe(unpacked('out/main/hostMain.cjs'))
    expect(readFileSync(unpacked('out/main/hostMain.cjs'), 'utf8')).toContain('The extension called process.exit')
  })

  it('unpacks esbuild, which compiles extensions by starting its own binary', () => {
    const binary = `node_modules/@esbuild/${process.platform}-${process.arch}/${process.platform === 'win32' ? 'esbuild.exe' : 'bin/esbuild'}`
    expect(existsSync(unpacked(binary))).toBe(true)
    expect(toUnpacked(join(asar, binary))).toBe(unpacked(binary))
  })
})
