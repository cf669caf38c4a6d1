import { isAbsolute, resolve } from 'node:path'
import { fail, ok, type Result } from '../../../shared/errors'
import type { ExtensionFsOperations } from './ExtensionFsOperations'
import type { ExtensionStateStore } from './ExtensionStateStore'

/**
 * The session's working folder as the registry sees it: where its `.arbor/extensions` are and whether they may
 * run. Trust is the user's, kept in the state by real path (a link to a trusted folder is trusted); a caller may
 * also trust the folder for this run only.
 */
export class WorkingFolder {
  private current: { folder: string; trusted: boolean } | null = null

  constructor(
    private readonly state: ExtensionStateStore,
    private readonly ops: ExtensionFsOperations,
  ) {}

  /** Absolute; null when there is none. */
  get folder(): string | null {
    return this.current?.folder ?? null
  }

  get trusted(): boolean {
    return this.current?.trusted ?? false
  }

  /** Moves to another folder, or none; answers whether the folder or its trust changed. */
  async set(workspace: { folder: string; trusted: boolean } | null): Promise<boolean> {
    const before = this.current
    if (!workspace) this.current = null
    else {
      const folder = resolve(workspace.folder)
      this.current = { folder, trusted: workspace.trusted || this.state.trusts(await this.ops.realPath(folder)) }
    }
    return before?.folder !== this.current?.folder || before?.trusted !== this.current?.trusted
  }

  /** Trusts a folder or stops trusting it, for good; answers whether that changed the trust of the current one. */
  async trust(folder: string, trusted: boolean): Promise<Result<boolean>> {
    if (!isAbsolute(folder)) return fail('BAD_REQUEST', `Name the folder by its full path, not "${folder}".`)
    const real = await this.ops.realPath(resolve(folder))
    await this.state.setTrusted(real, trusted)
    const current = this.current
    if (!current || current.trusted === trusted || (await this.ops.realPath(current.folder)) !== real) return ok(false)
    current.trusted = trusted
    return ok(true)
  }
}
