/**
 * The model probe: a process of its own that runs, on one model file, everything llama.cpp does with it before the
 * user asks for a load (node-llama-cpp's header reader and insights, the V2 memory simulation of the model and of a
 * small context, a vocabulary-only load, the chat template rendered once). A file that makes llama.cpp abort, or a
 * template that never ends, takes this process down instead of Arbor. The parent reads one JSON line per stage on
 * stdout and the last lines of stderr (where llama.cpp writes why it aborted).
 *
 * Run as `node probeMain.mjs <request JSON>`; built by `childScripts` (from source) or by the app build.
 */
import { GgufInsights, getLlama, LlamaLogLevel, readGgufFileInfo, resolveChatWrapper } from 'node-llama-cpp'

export type ProbeRequest = { path: string }
export type ProbeStage = 'start' | 'header' | 'estimate' | 'vocabulary' | 'template' | 'done'
export type ProbeLine = { stage: ProbeStage } | { stage: 'failed'; at: ProbeStage; message: string }

/** GPT-2's byte-level alphabet (`bytes_to_unicode`): the token a BPE vocabulary must hold for each byte. */
function byteLevelChar(byte: number): string {
  const direct = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff)
  if (direct(byte)) return String.fromCharCode(byte)
  let n = 0
  for (let b = 0; b < byte; b++) if (!direct(b)) n++
  return String.fromCharCode(256 + n)
}

/**
 * The bytes a text can need a token for when no longer token covers it: every byte of valid UTF-8 (C0, C1 and
 * F5–FF never occur). llama.cpp looks each one up with `unordered_map::at` (`llama_vocab::byte_to_token`): a byte
 * with no token throws out of the native code and aborts the process in the middle of a chat. Found by the fuzz
 * benchmark (one renamed `<0x77>` token: any "w" the vocabulary could not merge stopped the app).
 */
function missingByteToken(model: unknown, tokens: unknown): number | null {
  if (!Array.isArray(tokens)) return null
  const have = new Set(tokens as unknown[])
  for (let byte = 0; byte < 0xf5; byte++) {
    if (byte === 0xc0 || byte === 0xc1) continue
    const hex = `<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`
    // SPM and UGM: `<0xXX>`, or the byte itself as a one-character token; BPE: the byte-level character.
    const found = model === 'gpt2' ? have.has(byteLevelChar(byte)) : have.has(hex) || (byte < 0x80 && have.has(String.fromCharCode(byte)))
    if (!found) return byte
  }
  return null
}

const say = (line: ProbeLine) => process.stdout.write(`${JSON.stringify(line)}\n`)

async function probe(request: ProbeRequest): Promise<void> {
  let stage: ProbeStage = 'start'
  const enter = (next: ProbeStage) => {
    stage = next
    say({ stage })
  }
  try {
    enter('start')
    const llama = await getLlama({
      gpu: false,
      build: 'never',
      logLevel: LlamaLogLevel.error,
      progressLogs: false,
      logger: (_level, message) => process.stderr.write(`${message}\n`),
    })
    enter('header')
    const info = await readGgufFileInfo(request.path, { readTensorInfo: true, logWarnings: false, sourceType: 'filesystem' })
    const insights = await GgufInsights.from(info, llama)
    // The parent says "unsupported architecture" itself; nothing here would tell it more.
    if (!insights.isSupportedByLlamaCpp) return enter('done')
    enter('estimate')
    await insights.estimateModelResourceRequirementsV2({ gpuLayers: 0 })
    await insights.estimateContextResourceRequirementsV2({ contextSize: 256, modelGpuLayers: 0, sequences: 1 })
    enter('vocabulary')
    const tokenizer = (info.metadata as { tokenizer?: { ggml?: { model?: unknown; tokens?: unknown } } }).tokenizer?.ggml
    if (tokenizer && ['llama', 't5', 'gpt2'].includes(String(tokenizer.model))) {
      const byte = missingByteToken(tokenizer.model, tokenizer.tokens)
      if (byte !== null) throw new Error(`its vocabulary has no token for the byte 0x${byte.toString(16).padStart(2, '0')}: llama.cpp would stop the app on the first text that needs it`)
    }
    const model = await llama.loadModel({ modelPath: request.path, vocabOnly: true, gpuLayers: 0 })
    model.tokenize('Hello, world. 12345 <|im_start|> ünïcödé 🌳', true)
    enter('template')
    // What LlamaChat does when a load makes one, and what every turn then does again.
    const wrapper = resolveChatWrapper(model)
    wrapper.generateContextState({
      chatHistory: [
        { type: 'system', text: 'You are a helpful assistant.' },
        { type: 'user', text: 'Hello' },
        { type: 'model', response: ['Hi.'] },
        { type: 'user', text: 'Again' },
      ],
    })
    enter('done')
  } catch (error) {
    say({ stage: 'failed', at: stage, message: String((error as Error)?.message ?? error).slice(0, 2000) })
  }
}

await probe(JSON.parse(process.argv[2] ?? '{}') as ProbeRequest)
// node-llama-cpp keeps handles open; the answer is given.
process.exit(0)
