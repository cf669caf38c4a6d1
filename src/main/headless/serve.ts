import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { dirname, join, resolve } from 'node:path'
import { existsSync } from 'node:fs'
import { ArborCore } from '../core/ArborCore'
import { defaultExtensionFolders, defaultModelsFolder, defaultSettingsFile } from '../core/arborHome'
import { createHeadlessServer } from './createHeadlessServer'

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8765' },
    models: { type: 'string' },
    token: { type: 'string' },
    engine: { type: 'string' },
    'engine-model': { type: 'string' },
    'engine-key': { type: 'string' },
  },
})

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const rendererDir = join(root, 'out/renderer')
if (!existsSync(join(rendererDir, 'index.html'))) {
  console.error('The renderer is not built: run `npm run build` (or `npm run serve`, which builds first).')
  process.exit(1)
}

const core = await ArborCore.create({
  modelsFolder: values.models ?? defaultModelsFolder(),
  settingsFile: defaultSettingsFile(),
  transport: 'headless',
  extensions: defaultExtensionFolders(root),
})
if (values.engine) {
  // As "Connect to a server…" in the window: the key given (else ARBOR_ENGINE_KEY, else the one saved) is kept sealed.
  const apiKey = values['engine-key'] ?? process.env.ARBOR_ENGINE_KEY
  const connected = await core.request('model.connect', { baseUrl: values.engine, ...(apiKey ? { apiKey } : {}), ...(values['engine-model'] ? { model: values['engine-model'] } : {}) })
  if (!connected.ok) {
    console.error(`${connected.error.code}: ${connected.error.message}`)
    await core.dispose()
    process.exit(1)
  }
  console.log(`Engine: ${connected.value.model.facts.fileName} at ${connected.value.remote.baseUrl}`)
}
const server = await createHeadlessServer({ core, rendererDir, host: values.host, port: Number(values.port), token: values.token })
if (values.host !== '127.0.0.1' && values.host !== 'localhost')
  console.warn(`Warning: listening on ${values.host}: anyone who can reach this address and has the token controls Arbor.`)
console.log(`Arbor headless is running. Open:\n  ${server.url}\nModels folder: ${core.modelsFolder.path}`)

const shutdown = async () => {
  await server.close()
  await core.dispose()
  process.exit(0)
}
process.on('SIGINT', () => void shutdown())
process.on('SIGTERM', () => void shutdown())
