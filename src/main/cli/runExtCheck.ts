import type { ArborError } from '../../shared/errors'
import { enforcedInHost } from '../../shared/extensions/enforcedInHost'
import { toolTokenCost, type ToolForModel } from '../../shared/extensions/toolTokenCost'
import { openSingleExtension, type OpenSingleExtensionOptions } from '../core/extensions/openSingleExtension'

export type ExtCheckOptions = OpenSingleExtensionOptions & {
  /** The model whose tokenizer prices the tools (`--model`). Defaults to none: the cost is unknown. */
  model?: string
  /** Tokens a set of tools adds to every prompt with that model's chat template. Defaults to none: the cost is unknown. */
  toolPromptTokens?: (tools: readonly ToolForModel[]) => number | Promise<number>
}

const printError = (error: ArborError, json: boolean): number => {
  if (json) console.log(JSON.stringify({ error }, null, 2))
  else console.error(`Error ${error.code}: ${error.message}`)
  return 1
}

/**
 * `arbor ext check <path> [--json] [--model <file.gguf>]`: loads the extension in a real host and prints its
 * manifest, permissions (and which are enforced), tools (with their token cost when a counter is given),
 * commands and hooks. Exit code 1 for a broken extension.
 */
export async function runExtCheck(path: string, json: boolean, options: ExtCheckOptions = {}): Promise<number> {
  const opened = await openSingleExtension(path, { variables: { workspace: process.cwd() }, ...options })
  if (!opened.ok) return printError(opened.error, json)
  const { source, prepared, host, registrations, startMs } = opened.value
  await host.dispose()
  const permissions = enforcedInHost(prepared.permissions, { permissionModel: registrations.permissionModel, sandbox: host.sandbox })
  const cost = options.toolPromptTokens ? await toolTokenCost(registrations.tools, options.toolPromptTokens) : null
  const tokensOf = (name: string): number | null => cost?.tools.find((t) => t.name === name)?.tokens ?? null
  const m = source.manifest
  if (json) {
    const out = {
      name: m.name,
      version: m.version,
      description: m.description,
      location: source.location,
      entry: source.entryPath,
      settings: prepared.settings,
      timeouts: m.timeouts,
      memoryMb: m.memoryMb,
      permissions,
      hostFlags: host.flags,
      sandbox: host.sandbox,
      tools: registrations.tools.map((t) => ({ ...t, tokens: tokensOf(t.name) })),
      toolTokens: cost?.total ?? null,
      toolInstructionTokens: cost?.instructions ?? null,
      commands: registrations.commands,
      hooks: registrations.hooks,
      startMs: Math.round(startMs),
    }
    console.log(JSON.stringify(out, null, 2))
    return 0
  }
  const unknownCost = 'unknown (pass --model <file.gguf>)'
  const lines = [
    `${m.name} ${m.version}${m.description ? ` — ${m.description}` : ''}`,
    `  location     ${source.location}`,
    `  entry        ${source.entryPath}`,
    `  host         loaded in ${Math.round(startMs)} ms; heap cap ${m.memoryMb} MB; timeouts command ${m.timeouts.command} ms, tool ${m.timeouts.tool} ms, hook ${m.timeouts.hook} ms`,
    `  sandbox      ${host.sandbox ?? 'none: it has the network and may signal any process of yours'}`,
    `permissions    ${permissions.length === 0 ? 'none (reads only its own files)' : permissions.length}`,
    ...permissions.map((p) => `  ${p.declared.padEnd(28)} ${p.enforced ? 'enforced' : 'NOT enforced'}${'path' in p.permission ? ` → ${p.permission.path}` : ''}${p.note ? `  (${p.note})` : ''}`),
    `tools          ${registrations.tools.length}, ${cost ? `${cost.total} tokens in every prompt (${cost.instructions} of them the template's function-calling instructions, paid once for all tools)` : `token cost ${unknownCost}`}`,
    ...registrations.tools.map((t) => `  ${t.name.padEnd(20)} ${cost ? String(tokensOf(t.name)).padStart(6) + ' tokens  ' : ''}${t.description.slice(0, 80)}`),
    `commands       ${registrations.commands.length}`,
    ...registrations.commands.map((c) => `  /${c.name.padEnd(19)} ${c.description.slice(0, 80)}`),
    `hooks          ${registrations.hooks.length === 0 ? 'none' : registrations.hooks.join(', ')}`,
  ]
  console.log(lines.join('\n'))
  return 0
}
