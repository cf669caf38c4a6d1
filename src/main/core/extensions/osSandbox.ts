import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { delimiter, dirname, join } from 'node:path'
import { promisify } from 'node:util'
import type { HostLaunchRequest } from './HostLauncher'

/**
 * The operating system's sandbox a host runs in, on top of Node's permission model (which covers files and
 * processes but neither the network nor signals): on Linux bubblewrap gives the host its own PID namespace (it
 * cannot signal the core or any process of the user) and network namespace (no network, not even 127.0.0.1,
 * unless it declares `net`); on macOS `sandbox-exec` denies the network (unless `net`) and signals to others.
 * Null where none is available: then a host can do both, and the consent screen says so.
 */
export type OsSandbox = {
  kind: 'bubblewrap' | 'sandbox-exec'
  /** The command that starts `command` inside the sandbox for this request. */
  wrap(request: HostLaunchRequest & { network: boolean }, command: readonly string[]): { file: string; args: string[] }
}

const onPath = (name: string): string | null => {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const file = join(dir, name)
    if (dir && existsSync(file)) return file
  }
  return null
}

/** A grant as a path on disk: Node's `<folder>/*` (a folder that may not exist yet) is the folder. */
const grantPath = (grant: string): string => grant.replace(/\/\*$/, '')

/** The nearest folder at or above `path` that exists: a write grant for a folder not made yet is bound from there. */
const nearestExisting = (path: string): string => {
  let at = path
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at)
  return at
}

const bubblewrap = (bwrap: string): OsSandbox => ({
  kind: 'bubblewrap',
  wrap(request, command) {
    const args = ['--unshare-all', '--die-with-parent', '--new-session', '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp']
    if (request.network) args.push('--share-net')
    // The whole disk is visible read-only, /tmp private (Node's permission model narrows what is read or written);
    // what it may read under /tmp is shown again, what it may write is writable (from the nearest existing folder).
    for (const grant of request.readPaths) {
      const path = grantPath(grant)
      if (path === '/tmp' || path.startsWith('/tmp/')) args.push('--ro-bind-try', path, path)
    }
    for (const grant of request.writePaths) {
      const path = nearestExisting(grantPath(grant))
      args.push('--bind-try', path, path)
    }
    args.push('--chdir', request.cwd, '--', ...command)
    return { file: bwrap, args }
  },
})

/** Scheme of Apple's sandbox profile language: everything Node needs, but no network (unless granted) and no signals to others. */
const seatbeltProfile = (network: boolean): string =>
  ['(version 1)', '(allow default)', '(deny signal (target others))', ...(network ? [] : ['(deny network*)', '(allow network* (local unix))'])].join('\n')

const sandboxExec = (file: string): OsSandbox => ({
  kind: 'sandbox-exec',
  wrap(request, command) {
    return { file, args: ['-p', seatbeltProfile(request.network), ...command] }
  },
})

let found: Promise<OsSandbox | null> | null = null

/**
 * The sandbox of this machine, checked once by starting `true` in it (bubblewrap needs user namespaces, which some
 * systems turn off). `ARBOR_SANDBOX=off` turns it off (for debugging an extension; the consent screen then warns).
 */
export function findOsSandbox(): Promise<OsSandbox | null> {
  found ??= (async () => {
    if (process.env.ARBOR_SANDBOX === 'off') return null
    const run = promisify(execFile)
    if (process.platform === 'linux') {
      const bwrap = onPath('bwrap')
      if (!bwrap) return null
      const sandbox = bubblewrap(bwrap)
      const probe = sandbox.wrap({ readPaths: [], writePaths: [], childProcess: false, memoryMb: 16, cwd: '/', network: false }, ['true'])
      return run(probe.file, probe.args, { timeout: 5000 }).then(
        () => sandbox,
        () => null,
      )
    }
    if (process.platform === 'darwin' && existsSync('/usr/bin/sandbox-exec')) {
      const sandbox = sandboxExec('/usr/bin/sandbox-exec')
      const probe = sandbox.wrap({ readPaths: [], writePaths: [], childProcess: false, memoryMb: 16, cwd: '/', network: false }, ['/usr/bin/true'])
      return run(probe.file, probe.args, { timeout: 5000 }).then(
        () => sandbox,
        () => null,
      )
    }
    return null
  })()
  return found
}
