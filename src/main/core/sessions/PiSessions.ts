import os from 'node:os'
import { join, resolve, sep } from 'node:path'
import { nodeSessionsFolderOperations, type SessionsFolderOperations } from './nodeSessionsFolderOperations'
import { SessionsFolder, type SessionListing } from './SessionsFolder'

/** Pi's own sessions folder: `$PI_CODING_AGENT_DIR/sessions`, else `~/.pi/agent/sessions` (pi-coding-agent `getAgentDir`). */
export function defaultPiSessionsFolder(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.PI_CODING_AGENT_DIR
  const agent = dir ? resolve(dir.replace(/^~(?=$|[\\/])/, os.homedir())) : join(os.homedir(), '.pi', 'agent')
  return join(agent, 'sessions')
}

/**
 * Pi's sessions, listed where Pi keeps them (one folder per project, `--<cwd>--`) and opened in place, never copied:
 * Arbor only reads this folder to list it; a session opened from it is written as any open session is (appends,
 * checked against what Pi wrote meanwhile). A missing folder lists nothing.
 */
export class PiSessions {
  private readonly projects = new Map<string, SessionsFolder>()

  constructor(
    readonly path: string,
    private readonly ops: SessionsFolderOperations = nodeSessionsFolderOperations,
  ) {}

  /** Whether a session file lies in Pi's folder. */
  contains(path: string): boolean {
    return resolve(path).startsWith(resolve(this.path) + sep)
  }

  async list(options: { except?: string } = {}): Promise<(SessionListing & { project: string })[]> {
    const names = await this.ops.list(this.path).catch(() => [] as string[])
    const folders = names.filter((n) => n.startsWith('--') && n.endsWith('--') && n.length > 4)
    for (const name of this.projects.keys()) if (!folders.includes(name)) this.projects.delete(name)
    const lists = await Promise.all(
      folders.map(async (name) => {
        let folder = this.projects.get(name)
        if (!folder) this.projects.set(name, (folder = new SessionsFolder(join(this.path, name), this.ops, true)))
        const listed = await folder.list(options).catch(() => [])
        // The header says which folder; the folder's name is Pi's encoding of it, used when a header has none.
        return listed.map((s) => ({ ...s, project: s.cwd ?? `/${name.slice(2, -2).replace(/-/g, '/')}` }))
      }),
    )
    return lists.flat()
  }
}
