/**
 * Child process for crash-safety.test.ts, run with tsx so that the real `SessionFile` is exercised.
 *
 *   append <file>: appends messages forever, printing each entry's id once its append has resolved.
 *   rewrite <file>: prunes and restores a branch forever, rewriting the file each time and printing `rewritten`.
 */
import { SessionFile } from '../../../src/main/core/sessions/SessionFile'

const [mode, path] = process.argv.slice(2)
if (!path || (mode !== 'append' && mode !== 'rewrite')) throw new Error('usage: crashChild append|rewrite <file>')

const { file, doc } = await SessionFile.open(path)
process.stdout.write('ready\n')
if (mode === 'append') {
  for (let i = 0; ; i++) {
    const { entry, line } = doc.append({ type: 'message', message: { role: 'user', content: `message ${i} ${'x'.repeat(i % 700)}` } })
    await file.append(line)
    process.stdout.write(`${entry.id}\n`)
  }
} else {
  const target = doc.children(doc.children(null)[0]!.id)[0]!.id
  for (;;) {
    const { token } = doc.prune(target)
    await file.rewrite()
    process.stdout.write('rewritten\n')
    doc.undo(token)
    await file.rewrite()
    process.stdout.write('rewritten\n')
  }
}
