import { stat } from 'node:fs/promises'
import os from 'node:os'
import { isAbsolute, parse, resolve } from 'node:path'
import { ArborFailure } from '../../../shared/errors'

/** Whether a folder is a project someone works in: not the home folder and not a disk's root (where a desktop app starts). */
export function isProjectFolder(folder: string): boolean {
  if (!folder) return false
  const full = resolve(folder)
  return full !== resolve(os.homedir()) && full !== parse(full).root
}

/** The folder a session is to work in, checked: an absolute path to a folder that exists. Throws `BAD_REQUEST`, `FILE_NOT_FOUND`. */
export async function checkWorkingFolder(folder: string): Promise<string> {
  const trimmed = folder.trim()
  if (!isAbsolute(trimmed)) throw new ArborFailure('BAD_REQUEST', `The working folder must be a full path (it starts with / or a drive letter): "${trimmed.slice(0, 200)}".`)
  const full = resolve(trimmed)
  const info = await stat(full).catch(() => null)
  if (!info) throw new ArborFailure('FILE_NOT_FOUND', `There is no folder ${full}.`, { path: full })
  if (!info.isDirectory()) throw new ArborFailure('BAD_REQUEST', `${full} is a file, not a folder.`)
  return full
}

/**
 * The last project folder used (a session created, opened or moved there): what a new session works in. Starts
 * from the folder Arbor was started in when that is a project; never the home folder or a disk's root, which an
 * app started from a menu gets and where Pi would then run its tools.
 */
export class ProjectFolders {
  private last: string | null

  constructor(startFolder: string) {
    this.last = isProjectFolder(startFolder) ? resolve(startFolder) : null
  }

  /** A session worked in `folder`: it is the default from now on when it is a project. */
  note(folder: string): void {
    if (isProjectFolder(folder)) this.last = resolve(folder)
  }

  /** The folder a new session gets; empty when no project was used yet (the header says no folder). */
  get current(): string {
    return this.last ?? ''
  }
}
