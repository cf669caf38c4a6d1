import { mkdtemp as makeTemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { SessionManager } from '@mariozechner/pi-coding-agent'
import { afterEach, describe, expect, it } from 'vitest'
import { isProjectFolder, ProjectFolders } from '../../../src/main/core/sessions/projectFolders'
import { codeOf, createTestCore, unwrap, viewOf, type TestCore } from '../../helpers/testCore'

/** A session's working folder is the user's project, so that Pi resumes it with its tools in the right place. */
describe('the working folder of a session', () => {
  let t: TestCore | null = null
  const made: string[] = []
  const mkdtemp = async (prefix: string) => {
    const folder = await makeTemp(prefix)
    made.push(folder)
    return folder
  }
  afterEach(async () => {
    await t?.dispose()
    t = null
    await Promise.all(made.splice(0).map((f) => rm(f, { recursive: true, force: true })))
  })

  it('is never the home folder or a disk root by default', () => {
    expect(isProjectFolder(os.homedir())).toBe(false)
    expect(isProjectFolder('/')).toBe(false)
    expect(isProjectFolder('/work/project')).toBe(true)
    expect(new ProjectFolders(os.homedir()).current).toBe('')
    const folders = new ProjectFolders('/')
    folders.note('/srv/app')
    folders.note(os.homedir())
    expect(folders.current).toBe('/srv/app')
  })

  it('is chosen when a session is created, shown, changeable, written in the header Pi reads, and the default for the next one', async () => {
    t = await createTestCore()
    const project = await mkdtemp(join(os.tmpdir(), 'arbor-project-'))
    const other = await mkdtemp(join(os.tmpdir(), 'arbor-other-'))
    const view = unwrap(await t.core.request('session.new', { cwd: project }))
    expect(view.cwd).toBe(project)
    // The first write creates the file; its header names the folder.
    unwrap(await t.core.request('session.rename', { name: 'Project work' }))
    const path = view.summary.path
    expect(JSON.parse((await readFile(path, 'utf8')).split('\n')[0]!)).toMatchObject({ type: 'session', cwd: project })

    const moved = unwrap(await t.core.request('session.setCwd', { cwd: other }))
    expect(moved.cwd).toBe(other)
    expect((await viewOf(t)).cwd).toBe(other)
    expect(SessionManager.open(path, join(other, '.pi-sessions')).getCwd()).toBe(other)
    // The session's entries are still there after the header was rewritten.
    expect((await readFile(path, 'utf8')).trim().split('\n')).toHaveLength(2)

    // The next session starts in the folder used last.
    expect(unwrap(await t.core.request('session.new', undefined)).cwd).toBe(other)
  })

  it('a folder that does not exist, a file or a relative path is refused with a code, and nothing changes', async () => {
    t = await createTestCore()
    const project = await mkdtemp(join(os.tmpdir(), 'arbor-project-'))
    unwrap(await t.core.request('session.new', { cwd: project }))
    const file = join(project, 'notes.txt')
    await writeFile(file, 'x')
    expect(codeOf(await t.core.request('session.setCwd', { cwd: join(project, 'missing') }))).toBe('FILE_NOT_FOUND')
    expect(codeOf(await t.core.request('session.setCwd', { cwd: file }))).toBe('BAD_REQUEST')
    expect(codeOf(await t.core.request('session.setCwd', { cwd: 'relative/path' }))).toBe('BAD_REQUEST')
    expect(codeOf(await t.core.request('session.new', { cwd: join(project, 'missing') }))).toBe('FILE_NOT_FOUND')
    expect((await viewOf(t)).cwd).toBe(project)
  })
})
