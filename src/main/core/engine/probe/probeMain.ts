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
