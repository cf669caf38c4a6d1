import type { SessionFileOperations } from '../../../src/main/core/sessions/nodeSessionFileOperations'

const errno = (code: string, path: string) => Object.assign(new Error(`${code}: ${path}`), { code })

/** An in-memory file system for `SessionFile`, with a log of the steps taken and a way to make one fail. */
export function memoryFileOperations(initial: Record<string, string> = {}) {
  const files = new Map(Object.entries(initial))
  const folders = new Set<string>()
  const log: string[] = []
  const failures = new Map<string, string>()
  const check = (step: string, path: string) => {
    log.push(`${step} ${path}`)
    const code = failures.get(step)
    if (code) throw errno(code, path)
  }
  const ops: SessionFileOperations = {
    async readFile(path) {
      check('readFile', path)
      if (folders.has(path)) throw errno('EISDIR', path)
      const text = files.get(path)
      if (text === undefined) throw errno('ENOENT', path)
      return text
    },
    async appendDurable(path, text) {
      check('appendDurable', path)
      const existing = files.get(path)
      if (existing === undefined) throw errno('ENOENT', path)
      files.set(path, existing + text)
    },
    async createDurable(path, text) {
      check('createDurable', path)
      if (files.has(path)) throw errno('EEXIST', path)
      files.set(path, text)
    },
    async rename(from, to) {
      check('rename', `${from} -> ${to}`)
      const text = files.get(from)
      if (text === undefined) throw errno('ENOENT', from)
      files.set(to, text)
      files.delete(from)
    },
    async syncDirectory(dir) {
      check('syncDirectory', dir)
    },
    async exists(path) {
      return files.has(path) || folders.has(path)
    },
    async size(path) {
      return files.get(path)?.length ?? null
    },
    async readFrom(path, start) {
      return (files.get(path) ?? '').slice(start)
    },
    async remove(path) {
      log.push(`remove ${path}`)
      files.delete(path)
    },
  }
  return { ops, files, folders, log, failures }
}
