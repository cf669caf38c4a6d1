import { mkdirSync, writeFileSync } from 'node:fs'
import { basename, extname, join } from 'node:path'
import type { ExtensionAPI } from '../../../src/shared/extensions/ExtensionAPI'
import { toMarkdown } from './toMarkdown'

/** Writes `text` to `folder/name`, adding -1, -2 … before the extension instead of overwriting (no read access needed). */
function writeFresh(folder: string, name: string, text: string): string {
  const stem = basename(name, extname(name))
  const ext = extname(name) || '.md'
  for (let i = 0; i < 1000; i++) {
    const file = join(folder, `${stem}${i === 0 ? '' : `-${i}`}${ext}`)
    try {
      writeFileSync(file, text, { flag: 'wx' })
      return file
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
  }
  throw new Error(`too many files named ${stem}-N${ext}`)
}

/** `/export [file]`: the current path as Markdown, into the `folder` setting (granted as `fs.write:${folder}`). */
export default function exportExtension(arbor: ExtensionAPI): void {
  arbor.registerCommand('export', {
    description: 'Write the conversation on the current path as Markdown: /export [file name]',
    run(args, ctx) {
      const folder = arbor.settings.folder
      if (!folder) return 'No export folder is set (setting "folder").'
      if (ctx.path.length === 0) return 'Nothing to export: the current path is empty.'
      const name = basename(args.trim() || `conversation-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.md`)
      mkdirSync(folder, { recursive: true })
      const file = writeFresh(folder, name, toMarkdown(ctx.path, ctx.systemPrompt, ctx.model?.name ?? ctx.model?.fileName ?? null, new Date()))
      return `Exported ${ctx.path.length} messages to ${file}`
    },
  })
}
