import { fail, ok, type Result } from '../errors'
import type { Permission } from './Permission'

const PLACEHOLDER = /\$\{([A-Za-z0-9_.-]+)\}/g

/**
 * Parses one manifest permission and fills its `${name}` placeholders from `variables`
 * (`~/` stands for `${home}`). Pure: the caller resolves a relative folder against the extension's own.
 */
export function parsePermission(text: string, variables: Readonly<Record<string, string>> = {}): Result<Permission> {
  const trimmed = text.trim()
  if (trimmed === 'net' || trimmed === 'exec') return ok({ kind: trimmed })
  const match = /^(fs\.read|fs\.write):(.+)$/.exec(trimmed)
  if (!match) {
    return fail('EXTENSION_PERMISSION', `Unknown permission "${trimmed.slice(0, 100)}": expected fs.read:<folder>, fs.write:<folder>, net or exec.`)
  }
  const kind = match[1] as 'fs.read' | 'fs.write'
  let raw = match[2]!.trim()
  if (raw === '~' || raw.startsWith('~/')) raw = '${home}' + raw.slice(1)
  const missing: string[] = []
  const path = raw.replace(PLACEHOLDER, (_all, name: string) => {
    const value = variables[name]
    if (value === undefined || value === '') missing.push(name)
    return value ?? ''
  })
  if (missing.length > 0) {
    return fail('EXTENSION_PERMISSION', `Permission "${trimmed}" needs the setting${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}.`)
  }
  if (path === '' || path.includes('\0')) return fail('EXTENSION_PERMISSION', `Permission "${trimmed}" names no folder.`)
  // A working folder of "/" (an app started from a desktop launcher) must not hand the disk to an extension.
  if (path === '*' || /^(\/+|[A-Za-z]:[\\/]*)$/.test(path))
    return fail('EXTENSION_PERMISSION', `Permission "${trimmed}": "${path}" (the whole disk) is not allowed; name a folder.`)
  return ok({ kind, path })
}
