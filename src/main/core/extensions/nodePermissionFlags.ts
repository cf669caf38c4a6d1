import type { HostLaunchRequest } from './HostLauncher'

const base = (grant: string): string => grant.replace(/[\\/]\*$/, '')
const inside = (path: string, folder: string): boolean => path === folder || path.startsWith(`${folder}/`) || path.startsWith(`${folder}\\`)

/**
 * The fewest grants covering the same paths. Node 20.20's permission tree misbehaves with overlapping
 * grants: `/a` with `/a/b` no longer grants `/a` itself, and `/a` with `/a/*` aborts the process.
 */
export function minimalGrants(grants: readonly string[]): string[] {
  const sorted = [...new Set(grants)].sort((a, b) => base(a).length - base(b).length || Number(b.endsWith('*')) - Number(a.endsWith('*')))
  const kept: string[] = []
  for (const grant of sorted) if (!kept.some((k) => inside(base(grant), base(k)))) kept.push(grant)
  return kept
}

/**
 * Node flags that confine a host process: the permission model (only the listed paths may be read or
 * written; no child processes, workers, native addons or WASI unless granted) and the heap cap.
 * Node 20.20 takes one `--allow-fs-*` flag per path; Node 22.13 and 23.5 renamed `--experimental-permission`.
 * @param nodeVersion Of the Node that runs the host. Defaults to this process's.
 */
export function nodePermissionFlags(request: HostLaunchRequest, scriptPath: string, nodeVersion = process.versions.node): string[] {
  const [major = 0, minor = 0] = nodeVersion.split('.').map(Number)
  const stable = major > 23 || (major === 23 && minor >= 5) || (major === 22 && minor >= 13)
  const flags = [
    stable ? '--permission' : '--experimental-permission',
    '--disable-warning=ExperimentalWarning',
    `--max-old-space-size=${Math.max(16, Math.round(request.memoryMb))}`,
    '--enable-source-maps',
  ]
  for (const path of minimalGrants([scriptPath, ...request.readPaths])) flags.push(`--allow-fs-read=${path}`)
  for (const path of minimalGrants(request.writePaths)) flags.push(`--allow-fs-write=${path}`)
  if (request.childProcess) flags.push('--allow-child-process')
  return flags
}
