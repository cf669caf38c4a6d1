import { parseArgs } from 'node:util'
import { ArborCore } from '../core/ArborCore'
import { defaultModelsFolder, defaultSettingsFile } from '../core/arborHome'
import { runApi } from './runApi'
import { runChat } from './runChat'
import { runModels, runPull, runSearch } from './runHub'
import { runInspect } from './runInspect'
import { runMeasure } from './runMeasure'
import { createTokenCounter, RemoteEngine } from '../core/engine'
import { runExtCheck } from './runExtCheck'
import { runExtRun } from './runExtRun'
import { runSessionContext } from './runSessionContext'
import { runSessionInfo } from './runSessionInfo'

const usage = `Usage: npm run arbor -- <command> [options]

  inspect <file.gguf | url | hf:owner/repo[:QUANT]> [--context N] [--sequences N] [--gpu-layers N] [--json]
      Header facts, the memory estimate and the fit verdict, without loading (a remote file's
      header is read by range requests; nothing else is downloaded).
  measure <file.gguf> [--context N] [--sequences N] [--gpu-layers N] [--threads N] [--json]
      Loads the model, fills every sequence's KV cache and reports measured memory beside the estimate.
  chat <file.gguf> --prompt "..." [--context N] [--threads N] [--json]
      One turn with the model, streamed to stdout.
  api <file.gguf> [--port N] [--host H] [--api-key K] [--context N] [--agents N] [--threads N]
      Serves the model over the OpenAI-compatible API (default http://127.0.0.1:1234/v1) until
      Ctrl+C; --agents is how many requests are answered at once (sequences).
  chat|api --engine <base-url> [--engine-model ID] [--engine-key K] ...
      The same with a model served elsewhere (llama-server, vLLM, Ollama, LM Studio, another
      Arbor) as the engine instead of a file; its API key from --engine-key or (not shown by
      ps) ARBOR_ENGINE_KEY. \`npm run serve -- --engine URL\` does the same for headless mode.
  search <query> [--json]
      Hugging Face repositories with GGUF files, most downloaded first (HF_ENDPOINT, HF_TOKEN).
  pull <url | hf:owner/repo[:QUANT]> [--models DIR] [--json]
      Downloads into the models folder (progress on stderr, the path on stdout), checked against
      the Hub's SHA-256; a file already there and identical is kept.
  models [--models DIR] [--json]
      The models folder's files.
  make-demo [--models DIR]
      Writes the demo model into the models folder.
  ext check <path> [--json] [--model <file.gguf>]
      Loads an extension in a real host process: manifest, permissions (and which are enforced),
      tools, commands, hooks, and with --model the tokens its tools add to every prompt.
  ext run <path> /<command> [args]
      Runs one command of an extension and prints its output.
  session info <file.jsonl> [--json]
      Format version, entry and message counts, branch points, leaves, current leaf, labels
      and every warning of a Pi/Arbor session file.
  session context <file.jsonl> [--at <id>] [--model <file.gguf>] [--json]
      The messages the model reads at a node (default: the leaf), as Pi sends them: compaction
      applied, failed turns and excluded bash runs left out; with --model, tokens per message.
`

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    context: { type: 'string' },
    sequences: { type: 'string' },
    'gpu-layers': { type: 'string' },
    threads: { type: 'string' },
    prompt: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    'api-key': { type: 'string' },
    agents: { type: 'string' },
    models: { type: 'string' },
    model: { type: 'string' },
    engine: { type: 'string' },
    'engine-model': { type: 'string' },
    'engine-key': { type: 'string' },
    at: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
})

const int = (name: keyof typeof values): number | undefined => {
  const raw = values[name]
  if (raw === undefined || typeof raw !== 'string') return undefined
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name} must be a whole number, got "${raw}".`)
    process.exit(2)
  }
  return n
}

export type CliOptions = {
  file: string
  contextSize?: number
  sequences?: number
  gpuLayers?: number
  threads?: number
  prompt?: string
  json: boolean
}

async function main(): Promise<number> {
  const [command, file] = positionals
  if (values.help || !command) {
    console.log(usage)
    return command ? 0 : 2
  }
  if (command === 'ext') {
    const [, sub, extPath, ...rest] = positionals
    if (sub === 'check' && extPath) {
      const counter = values.model ? await createTokenCounter(values.model) : null
      try {
        return await runExtCheck(extPath, values.json ?? false, { model: values.model, toolPromptTokens: counter?.toolPromptTokens })
      } finally {
        await counter?.dispose()
      }
    }
    if (sub === 'run' && extPath && rest.length > 0) return runExtRun(extPath, rest.join(' '))
    console.error('Usage: npm run arbor -- ext check <path> [--json] [--model <file.gguf>] | ext run <path> /<command> [args]')
    return 2
  }
  if (command === 'session') {
    const [, sub, sessionFile] = positionals
    if (sub === 'info' && sessionFile) return runSessionInfo(sessionFile, values.json ?? false)
    if (sub === 'context' && sessionFile) {
      const counter = values.model ? await createTokenCounter(values.model) : null
      try {
        return await runSessionContext(sessionFile, { at: values.at, json: values.json ?? false, count: counter?.count })
      } finally {
        await counter?.dispose()
      }
    }
    console.error('Usage: npm run arbor -- session info <file.jsonl> [--json] | session context <file.jsonl> [--at <id>] [--model <file.gguf>] [--json]')
    return 2
  }
  // A model served elsewhere: its key from the environment (a flag would show in every process list).
  const engine = values.engine
    ? new RemoteEngine({ baseUrl: values.engine, apiKey: values['engine-key'] ?? process.env.ARBOR_ENGINE_KEY ?? null, ...(values['engine-model'] ? { model: values['engine-model'] } : {}) })
    : undefined
  const core = await ArborCore.create({
    modelsFolder: values.models ?? defaultModelsFolder(),
    settingsFile: defaultSettingsFile(),
    transport: 'headless',
    ...(engine ? { engine } : {}),
    watchModels: false,
    // The CLI serves only when told to (`api`), never because the app's server was left running.
    serveApi: false,
    reloadLastModel: false,
  })
  try {
    if (command === 'make-demo') {
      const entry = await core.modelsFolder.createDemo()
      console.log(`Demo model written: ${entry.path} (${entry.fileBytes} bytes)`)
      return 0
    }
    if (command === 'models') return await runModels(core, values.json ?? false)
    if (!file && !(engine && (command === 'chat' || command === 'api'))) {
      console.error(`${command} needs a model file.\n\n${usage}`)
      return 2
    }
    const options: CliOptions = {
      file: file ?? values.engine!,
      contextSize: int('context'),
      sequences: int('agents') ?? int('sequences'),
      gpuLayers: int('gpu-layers'),
      threads: int('threads'),
      prompt: values.prompt,
      json: values.json ?? false,
    }
    if (command === 'search') return await runSearch(core, positionals.slice(1).join(' '), options.json)
    if (command === 'pull') return await runPull(core, options)
    if (command === 'inspect') return await runInspect(core, options)
    if (command === 'measure') return await runMeasure(core, options)
    if (command === 'chat') return await runChat(core, options)
    if (command === 'api') {
      const port = int('port')
      return await runApi(core, { ...options, ...(port !== undefined ? { port } : {}), ...(values.host ? { host: values.host } : {}), ...(values['api-key'] ? { apiKey: values['api-key'] } : {}) })
    }
    console.error(`Unknown command "${command}".\n\n${usage}`)
    return 2
  } finally {
    await core.dispose()
  }
}

// Output piped into `head` and the like: a closed pipe ends the command quietly, it is not a crash.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
  throw error
})

process.exitCode = await main()
