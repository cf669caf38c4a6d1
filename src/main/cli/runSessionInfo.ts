import { resolve } from 'node:path'
import { ArborFailure } from '../../shared/errors'
import { SessionFile, type OpenedSession } from '../core/sessions/SessionFile'
import { printError } from './print'

/**
 * `arbor session info <file.jsonl> [--json]`: the format version, counts, branch points and leaves, the current
 * leaf, labels, and every warning met while reading. Never writes to the file. Returns the exit code: 0 when
 * the file was read (even with warnings), 1 when it cannot be read at all or is not a session.
 *
 * The `--json` shape: `path`, `versionRead`, `sessionId`, `cwd`, `parentSession`, `name`, `entryCount`,
 * `messageCount`, `roots`, `branchPoints`, `leaves`, `leafId`, `labels` (id → label), `warnings`
 * (`code`, `line`, `entryId`, `message`).
 */
export async function runSessionInfo(file: string, json: boolean): Promise<number> {
  const path = resolve(file)
  let opened: OpenedSession
  try {
    opened = await SessionFile.open(path)
  } catch (error) {
    if (error instanceof ArborFailure) return printError(error.toError(), json)
    throw error
  }
  const { doc, warnings, versionRead } = opened
  const info = doc.info()
  const header = doc.header
  if (json) {
    const out = {
      path,
      versionRead,
      sessionId: header.id,
      cwd: header.cwd,
      parentSession: header.parentSession ?? null,
      name: info.name ?? null,
      entryCount: info.entryCount,
      messageCount: info.messageCount,
      roots: info.roots,
      branchPoints: info.branchPoints,
      leaves: info.leaves,
      leafId: info.leafId,
      labels: info.labels,
      warnings,
    }
    console.log(JSON.stringify(out, null, 2))
    return 0
  }
  const labels = Object.entries(info.labels)
  const lines = [
    path,
    `  format         version ${versionRead}${versionRead < 3 ? ' (read as version 3; the first change rewrites the file as version 3)' : ''}`,
    `  session        ${header.id}${info.name ? `  "${info.name}"` : ''}`,
    `  cwd            ${header.cwd || '(none)'}`,
  ]
  if (header.parentSession) lines.push(`  forked from    ${header.parentSession}`)
  lines.push(
    `  entries        ${info.entryCount} (${info.messageCount} messages)`,
    `  tree           ${info.roots} root${info.roots === 1 ? '' : 's'}, ${info.branchPoints} branch point${info.branchPoints === 1 ? '' : 's'}, ${info.leaves} lea${info.leaves === 1 ? 'f' : 'ves'}`,
    `  current leaf   ${info.leafId ?? '(none)'}`,
    `  labels         ${labels.length === 0 ? '(none)' : labels.map(([id, label]) => `${id} "${label}"`).join(', ')}`,
    `warnings         ${warnings.length === 0 ? 'none' : warnings.length}`,
    ...warnings.map((w) => `  ${w.code}  ${w.message}`),
  )
  console.log(lines.join('\n'))
  return 0
}
