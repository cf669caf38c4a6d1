import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')

/** Newest mtime of the files under a folder. */
function newest(dir: string): number {
  let latest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs)
  }
  return latest
}

/** Builds the app when the renderer build is missing or older than its sources. */
export default function setup(): void {
  const built = join(root, 'out/renderer/index.html')
  const stale = !existsSync(built) || newest(join(root, 'src')) > statSync(built).mtimeMs
  if (stale) execFileSync(join(root, 'node_modules/.bin/electron-vite'), ['build'], { cwd: root, stdio: 'inherit' })
}
