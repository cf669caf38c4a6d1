import { resolve } from 'node:path'
import { fileRef, type ModelRef } from '../../../shared/engine/engineTypes'
import { ArborFailure } from '../../../shared/errors'
import { MAX_CONTEXT_SIZE } from '../../../shared/fit'
import { engineKeyName } from '../settings/SecretStore'
import { normalizeBaseUrl } from '../engine'
import type { CoreParts, HandlersFor } from './CoreParts'

/** A path, or the http(s) URL of a remote GGUF (inspected and estimated from its header, never loaded from there). */
const refOf = (path: string): ModelRef => (/^https?:\/\//i.test(path) ? { kind: 'url', url: path } : fileRef(path))

/**
 * Models and the machine: inspect, estimate, load with measured progress, cancel, unload. A load or an unload
 * first stops every turn and waits until each is stored as stopped; only then is the model replaced.
 */
export function modelRequests(parts: CoreParts): HandlersFor<'model.' | 'models.' | 'hardware.'> {
  const { engine, sessions, emit } = parts
  let loading: AbortController | null = null

  const refuseLoaded = (path: string, doing: string) => {
    const state = engine.state
    const inUse = state.status === 'loaded' ? state.model.facts.path : state.status === 'loading' ? state.path : null
    if (inUse && resolve(inUse) === resolve(path))
      throw new ArborFailure('MODEL_IN_USE', `${inUse} is the ${state.status === 'loading' ? 'model being loaded' : 'loaded model'}: unload it before ${doing} it.`)
  }

  /** Token counts and tool costs belong to the model: they follow it. */
  const modelChanged = () => {
    sessions.modelChanged()
    if (parts.extensions) void parts.extensionsChanged()
  }

  return {
    'hardware.get': async () => (await engine.info()).hardware,
    'models.list': () => parts.models.list(),
    'models.createDemo': async () => {
      const entry = await parts.models.createDemo()
      void parts.modelsChanged()
      return entry
    },
    'models.delete': async ({ path }) => {
      refuseLoaded(path, 'deleting')
      const freedBytes = await parts.models.delete(path)
      void parts.modelsChanged()
      return { freedBytes }
    },
    'models.rename': async ({ path, name }) => {
      refuseLoaded(path, 'renaming')
      const entry = await parts.models.rename(path, name)
      void parts.modelsChanged()
      return entry
    },
    'models.describe': async ({ path }) => {
      const ref = refOf(path)
      const remembered = (await parts.models.library()).record(path)?.settings
      const facts = await engine.inspect(ref)
      const report = await engine.estimate(ref, remembered && { contextSize: remembered.contextSize, sequences: remembered.sequences, gpuLayers: remembered.gpuLayers, kvCacheType: remembered.kvCacheType })
      return { path, architecture: facts.architecture, parameters: facts.parameters, fileType: facts.fileType, verdict: report.fit.verdict, settings: report.settings }
    },
    'models.reveal': async ({ path }) => {
      const full = parts.models.own(path)
      if (!parts.revealFile) return { revealed: false, path: full }
      await parts.revealFile(full)
      return { revealed: true, path: full }
    },
    'model.inspect': ({ path }) => engine.inspect(refOf(path)),
    'model.estimate': ({ path, settings }) => engine.estimate(refOf(path), settings),
    'model.load': async ({ path, settings, override }) => {
      if (loading) throw new ArborFailure('LOAD_IN_PROGRESS', 'A model is already loading. Cancel it or wait for it to finish.')
      const controller = new AbortController()
      loading = controller
      try {
        const loaded = await parts.turns.holding('A model is loading', parts.stopTurns, () =>
          engine.load({ ref: fileRef(path), settings, override }, { signal: controller.signal, onProgress: (p) => emit({ type: 'model.loadProgress', path, ...p }) }),
        )
        parts.announce('modelLoaded')
        await parts.models.used(path, settings).catch(() => undefined)
        void parts.modelsChanged()
        return loaded
      } finally {
        loading = null
        modelChanged()
      }
    },
    'model.connect': async ({ baseUrl, apiKey, model }) => {
      if (loading) throw new ArborFailure('LOAD_IN_PROGRESS', 'A model is already loading. Cancel it or wait for it to finish.')
      const controller = new AbortController()
      loading = controller
      const url = normalizeBaseUrl(baseUrl)
      const keyName = engineKeyName(url)
      const key = apiKey === undefined ? parts.secrets.get(keyName) : apiKey
      const { engineConnectTimeoutSeconds, engineIdleTimeoutSeconds } = parts.settings.settings
      try {
        const loaded = await parts.turns.holding('Connecting to a server', parts.stopTurns, () =>
          engine.connect(
            { baseUrl: url, apiKey: key, ...(model ? { model } : {}), connectTimeoutMs: engineConnectTimeoutSeconds * 1000, idleTimeoutMs: engineIdleTimeoutSeconds * 1000 },
            // The server's own context and slots: it runs the model as it was started.
            { contextSize: MAX_CONTEXT_SIZE, sequences: 1, gpuLayers: 0, kvCacheType: 'F16', threads: 1 },
          ),
        )
        // Kept only once the server took them: a mistyped address or key is not remembered.
        await parts.settings.update({ engineServer: { baseUrl: url, model: model ?? null } })
        if (apiKey !== undefined) await parts.secrets.set(keyName, apiKey)
        parts.announce('modelLoaded')
        return { model: loaded, remote: parts.remoteView()! }
      } finally {
        loading = null
        modelChanged()
      }
    },
    'model.cancelLoad': () => {
      if (!loading) return { cancelled: false }
      loading.abort()
      return { cancelled: true }
    },
    'model.unload': async () => {
      const unloaded = await parts.turns.holding('The model is being unloaded', parts.stopTurns, () => engine.unload())
      modelChanged()
      return { unloaded }
    },
  }
}
