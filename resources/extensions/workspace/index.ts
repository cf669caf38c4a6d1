import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync, type Dirent } from 'node:fs'
import { join, relative } from 'node:path'
import type { ExtensionAPI } from '../../../src/shared/extensions/ExtensionAPI'
import { confine } from './confine'

const MAX_READ_BYTES = 100_000
const MAX_ENTRIES = 500
const MAX_MATCHES = 100
const MAX_FILES = 5000
const MAX_SEARCH_FILE = 1_000_000
const SKIP = new Set(['node_modules', '.git', '.cache', 'dist', 'out'])

/** read_file, list_dir and search_text, confined to the `root` setting (granted as `fs.read:${root}`). */
export default function workspace(arbor: ExtensionAPI): void {
  const root = arbor.settings.root ?? ''
  const rel = (path: string) => relative(root, path) || '.'

  arbor.registerTool<{ path: string; offset?: number; limit?: number }>({
    name: 'read_file',
    description: 'Read a text file of the workspace folder. Lines are numbered from 1; use offset and limit for long files.',
    parameters: {
      type: 'object',
      properties: {
        path: { type: 'string', description: 'Path relative to the workspace folder' },
        offset: { type: 'integer', minimum: 1, description: 'First line to read' },
        limit: { type: 'integer', minimum: 1, maximum: 2000, description: 'Lines to read' },
      },
      required: ['path'],
    },
    execute({ path, offset = 1, limit = 400 }) {
      const file = confine(root, path)
      const text = readStart(file, MAX_READ_BYTES * 10)
      const lines = text.split('\n')
      const part = lines.slice(offset - 1, offset - 1 + limit).join('\n').slice(0, MAX_READ_BYTES)
      const more = offset - 1 + limit < lines.length ? `\n[… ${lines.length - (offset - 1 + limit)} more lines]` : ''
      return `${rel(file)} (lines ${offset}-${Math.min(lines.length, offset - 1 + limit)} of ${lines.length}):\n${part}${more}`
    },
  })

  arbor.registerTool<{ path?: string }>({
    name: 'list_dir',
    description: 'List a folder of the workspace: sub-folders end with "/", files show their size in bytes.',
    parameters: { type: 'object', properties: { path: { type: 'string', description: 'Folder relative to the workspace folder; "." for its top' } } },
    execute({ path = '.' }) {
      const folder = confine(root, path)
      const entries = readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))
      const lines = entries.slice(0, MAX_ENTRIES).map((e) => (e.isDirectory() ? `${e.name}/` : `${e.name}  ${size(join(folder, e.name))}`))
      if (entries.length > MAX_ENTRIES) lines.push(`[… ${entries.length - MAX_ENTRIES} more]`)
      return `${rel(folder)}/\n${lines.join('\n')}`
    },
  })

  arbor.registerTool<{ query: string; path?: string; regex?: boolean }>({
    name: 'search_text',
    description: 'Search the text files of the workspace for a string (or a regular expression); answers file:line: text.',
    parameters: {
      type: 'object',
      properties: {
        query: { type: 'string', minLength: 1 },
        path: { type: 'string', description: 'Folder to search, relative to the workspace folder' },
        regex: { type: 'boolean', description: 'Treat the query as a regular expression' },
      },
      required: ['query'],
    },
    execute({ query, path = '.', regex = false }) {
      const pattern = regex ? new RegExp(query) : null
      const matches: string[] = []
      let files = 0
      const walk = (folder: string): void => {
        let entries: Dirent[]
        try {
          entries = readdirSync(folder, { withFileTypes: true })
        } catch {
          return
        }
        for (const entry of entries) {
          if (matches.length >= MAX_MATCHES || files >= MAX_FILES) return
          const full = join(folder, entry.name)
          if (entry.isDirectory()) {
            if (!SKIP.has(entry.name) && !entry.name.startsWith('.')) walk(full)
          } else if (entry.isFile() && statSync(full).size <= MAX_SEARCH_FILE) {
            files++
            const text = readFileSync(full, 'utf8')
            if (text.includes('\u0000')) continue
            text.split('\n').forEach((line, i) => {
              if (matches.length < MAX_MATCHES && (pattern ? pattern.test(line) : line.includes(query))) matches.push(`${rel(full)}:${i + 1}: ${line.trim().slice(0, 200)}`)
            })
          }
        }
      }
      walk(confine(root, path))
      if (matches.length === 0) return `No match for "${query}" in ${files} files.`
      return matches.join('\n') + (matches.length >= MAX_MATCHES ? `\n[stopped at ${MAX_MATCHES} matches]` : '')
    },
  })
}

/** The first `bytes` of a file as text: a huge file is not read whole. */
function readStart(file: string, bytes: number): string {
  const fd = openSync(file, 'r')
  try {
    const buffer = Buffer.alloc(Math.min(bytes, statSync(file).size))
    const read = readSync(fd, buffer, 0, buffer.length, 0)
    return buffer.subarray(0, read).toString('utf8')
  } finally {
    closeSync(fd)
  }
}

function size(path: string): string {
  try {
    return String(statSync(path).size)
  } catch {
    return '?'
  }
}
