import { mkdir } from 'node:fs/promises'
import os from 'node:os'
import { dirname, join, parse, resolve } from 'node:path'
import { parseRequest, type ArborEvent, type ExtensionView, type RequestArgs, type RequestName, type RequestResults } from '../../shared/contract'
import { fileRef } from '../../shared/engine/engineTypes'
import { ArborFailure, fail, ok, type Result } from '../../shared/errors'
import type { ToolInfo } from '../../shared/extensions/ExtensionContext'
import type { ExtensionInfo } from '../../shared/extensions/ExtensionInfo'
import { groupTokenCost, type ToolForModel } from '../../shared/extensions/toolTokenCost'
import type { AppSnapshot, LoadSettings, RemoteEngineView } from '../../shared/types'
import { ApiService } from './api/ApiService'
import { defaultExtensionStateFile } from './arborHome'
import { extensionCallContext, modelInfoOf } from './chat/extensionCallContext'
import { TreeTurns } from './chat/TreeTurns'
import { EngineSwitch, LocalEngine, type Engine, type LocalEngineOptions, type MeasuredMemory } from './engine'
import type { ExtensionRegistryOptions } from './extensions/ExtensionRegistry'
import { Extensions } from './extensions/Extensions'
import { ExtensionStateStore } from './extensions/ExtensionStateStore'
import { freeFileName } from './freeFileName'
import { ModelsFolder } from './ModelsFolder'
import { guardProcess } from './processGuards'
import { chatRequests } from './requests/chatRequests'
import type { CoreParts, Handlers } from './requests/CoreParts'
import { extensionRequests } from './requests/extensionRequests'
import { modelRequests } from './requests/modelRequests'
import { sessionRequests } from './requests/sessionRequests'
import { hubRequests } from './requests/hubRequests'
import { serverRequests } from './requests/serverRequests'
import { settingsRequests } from './requests/settingsRequests'
import { treeRequests } from './requests/treeRequests'
import { defaultPiSessionsFolder, PiSessions } from './sessions/PiSessions'
import { SessionService } from './sessions/SessionService'
import { SessionsFolder } from './sessions/SessionsFolder'
import { HubDownloads } from './hub/HubDownloads'
import { HubService, type HubServiceOptions } from './hub/HubService'
import { engineKeyName, FileSecretStore, type SecretStore } from './settings/SecretStore'
import { SettingsStore } from './settings/SettingsStore'
import { toolPromptTokens } from './turns/toolPromptTokens'
import { TurnRunner } from './turns/TurnRunner'

export type ArborCoreOptions = Pick<LocalEngineOptions, 'ramBudgetBytes' | 'vramBudgetBytes' | 'queueLimit' | 'probe'> & {
  modelsFolder: string
  /** The Hub's address and token (defaults: `HF_ENDPOINT`, `HF_TOKEN`), and the free-space check downloads make. */
  hub?: HubServiceOptions
  /** Where session files (`*.jsonl`) live. Defaults to `sessions` beside the models folder. */
  sessionsFolder?: string
  /** Pi's sessions folder, listed beside Arbor's; null lists none. Defaults to Pi's own (`$PI_CODING_AGENT_DIR/sessions` or `~/.pi/agent/sessions`). */
  piSessionsFolder?: string | null
  transport: AppSnapshot['transport']
  /** The engine behind every turn. Defaults to a `LocalEngine` (node-llama-cpp in this process). */
  engine?: Engine
  /** How often live memory is sampled while a model is loaded. Defaults to `1000`. */
  memorySampleMs?: number
  /**
   * Extension folders (bundled, user, workspace) and settings; false runs none. Without a `workspace`, the working
   * folder follows the open session's (`cwd` of its header). Defaults to `false`.
   */
  extensions?: ExtensionRegistryOptions | false
  /**
   * The file keeping the user's extension choices (disabled, settings, allowed permissions, trusted folders), used
   * unless `extensions.state` is given. Defaults to `extensions.json` in Arbor's home (`~/.arbor` or `$ARBOR_HOME`).
   */
  extensionStateFile?: string
  /** The app settings file (see `SettingsStore`); without one the settings are the defaults, kept in memory. */
  settingsFile?: string
  /**
   * Where keys for servers used as the engine are kept. Defaults to `secrets.json` (mode 0600) beside the settings
   * file, or memory without one; the desktop app gives a store sealed with `safeStorage`.
   */
  secrets?: SecretStore
  /** Start the OpenAI-compatible server when the settings say it was running. Defaults to `true`. */
  serveApi?: boolean
  /** Shows a file in the system's file manager (Electron's `shell.showItemInFolder`). Defaults to none. */
  revealFile?: (path: string) => Promise<void> | void
  /** Load the model loaded last when the settings ask for it (`reloadLastModel`). Defaults to `true`; the CLI says false. */
  reloadLastModel?: boolean
  /** Watch the models folder for new files. Defaults to `true`. */
  watchModels?: boolean
  version?: string
}

/**
 * The open session's working folder, untrusted unless the user trusts it (the extension state says). None when it is
 * the home folder or the disk's root (where an app started from a desktop menu runs): that is no project, and
 * `${workspace}` must not hand a whole home to an extension.
 */
const workingFolderOf = (sessions: SessionService): { folder: string; trusted: boolean } | null => {
  const cwd = sessions.header.cwd
  if (!cwd) return null
  const folder = resolve(cwd)
  return folder === resolve(os.homedir()) || folder === parse(folder).root ? null : { folder, trusted: false }
}

/**
 * The core behind every UI: the engine, its clients (the conversation tree, and the runner every other client
 * uses), the sessions and the extensions, answering the contract's requests (one module per area) and emitting
 * its events. Knows nothing of Electron, HTTP or the DOM.
 */
export class ArborCore {
  private readonly folder: ModelsFolder
  private sampler: NodeJS.Timeout | null = null
  private readonly handlers: Handlers
  private readonly turns: TreeTurns
  readonly runner: TurnRunner
  /** The OpenAI-compatible server over this core's engine. */
  readonly api: ApiService
  /** Models from the Hugging Face Hub (or any URL): search, files, downloads into the models folder. */
  readonly hub: HubService
  /** The downloads windows started (several at once, paused, resumed). */
  readonly downloads: HubDownloads
  /** The last problem with the extension state file, for a UI that connects later. */
  private extensionsWarning: () => string | null = () => null
  /** The last change of working folder given to the extensions; the next one waits for it. */
  private workspaceMove: Promise<void> = Promise.resolve()
  private disposed = false

  private constructor(
    readonly engine: EngineSwitch,
    private readonly options: ArborCoreOptions,
    private readonly sessions: SessionService,
    private readonly listeners: Set<(event: ArborEvent) => void>,
    private readonly emitEvent: (event: ArborEvent) => void,
    private readonly extensions: Extensions | null,
    private readonly settings: SettingsStore,
    hub: HubService,
    private readonly secrets: SecretStore,
  ) {
    this.hub = hub
    this.downloads = new HubDownloads(
      hub,
      (download) => emitEvent({ type: 'hub.download', download }),
      () => void this.modelsChanged(),
      (unfinished) => void this.folder.library().then((library) => library.setUnfinishedDownloads(unfinished)),
    )
    this.runner = new TurnRunner(engine, extensions)
    this.turns = new TreeTurns(sessions, this.runner, engine, extensions, emitEvent, () => settings.settings)
    this.api = new ApiService(engine, this.runner, settings, emitEvent, sessions.folderPath, () => sessions.filesChanged())
    sessions.offeredTools = () => (sessions.toolsEnabled ? (extensions?.toolDefinitions() ?? []) : [])
    this.folder = new ModelsFolder(options.modelsFolder)
    const parts: CoreParts = {
      engine,
      secrets,
      remoteView: () => this.remoteView(),
      sessions,
      turns: this.turns,
      runner: this.runner,
      extensions,
      models: this.folder,
      settings,
      api: this.api,
      hub,
      downloads: this.downloads,
      emit: emitEvent,
      stopTurns: () => this.stopTurns(),
      announce: (event) => this.announce(event),
      extensionViews: () => this.extensionViews(),
      extensionsChanged: () => this.extensionsChanged(),
      modelsChanged: () => this.modelsChanged(),
      ...(options.revealFile ? { revealFile: options.revealFile } : {}),
    }
    this.handlers = {
      'app.snapshot': () => this.snapshot(),
      ...modelRequests(parts),
      ...chatRequests(parts),
      ...sessionRequests(parts),
      ...treeRequests(parts),
      ...extensionRequests(parts),
      ...settingsRequests(parts),
      ...serverRequests(parts),
      ...hubRequests(parts),
    }
  }

  static async create(options: ArborCoreOptions): Promise<ArborCore> {
    guardProcess()
    // The token a user set in Settings (read at each request); the settings are opened below.
    let settingsStore: SettingsStore | null = null
    // The models folder is made by the core below; a download meanwhile finds no copy.
    let models: ModelsFolder | null = null
    const hub = new HubService(options.modelsFolder, {
      tokenOf: () => settingsStore?.settings.hfToken ?? null,
      findCopy: (bytes, sha256) => models?.findCopy(bytes, sha256) ?? Promise.resolve(null),
      ...options.hub,
    })
    const engine = new EngineSwitch(options.engine ?? (await LocalEngine.create({ ...options, remoteHeaders: (url) => hub.headersFor(url) })))
    const listeners = new Set<(event: ArborEvent) => void>()
    const emit = (event: ArborEvent) => {
      for (const listener of listeners) {
        try {
          listener(event)
        } catch {
          // A broken listener (a closed socket) must not stop the others or the core.
        }
      }
    }
    engine.onStateChange((state) => emit({ type: 'model.loadState', state }))
    const folder = new SessionsFolder(options.sessionsFolder ?? join(dirname(options.modelsFolder), 'sessions'))
    const pi = options.piSessionsFolder === null ? null : new PiSessions(options.piSessionsFolder ?? defaultPiSessionsFolder())
    const sessions = await SessionService.create(folder, emit, engine, process.cwd(), pi)
    let core: ArborCore | null = null
    // A state file Arbor cannot read or save is said in the UI too: the user's choices may not hold.
    const warn = (text: string) => {
      console.warn(`Arbor: ${text}`)
      core?.emitEvent({ type: 'extensions.notice', extension: 'arbor', text })
    }
    const stateStore = options.extensions && !options.extensions.state ? await ExtensionStateStore.open(options.extensionStateFile ?? defaultExtensionStateFile(), { warn }) : null
    const extensions = options.extensions
      ? await Extensions.create({
          ...options.extensions,
          state: options.extensions.state ?? stateStore!,
          workspace: options.extensions.workspace !== undefined ? options.extensions.workspace : workingFolderOf(sessions),
          onChange: () => void core?.extensionsChanged(),
        })
      : null
    const settings = options.settingsFile ? await SettingsStore.open(options.settingsFile) : SettingsStore.inMemory()
    if (settings.warning) console.warn(`Arbor: ${settings.warning}`)
    settingsStore = settings
    const secrets = options.secrets ?? (options.settingsFile ? await FileSecretStore.open(join(dirname(options.settingsFile), 'secrets.json')) : FileSecretStore.inMemory())
    if (secrets.warning) console.warn(`Arbor: ${secrets.warning}`)
    core = new ArborCore(engine, options, sessions, listeners, emit, extensions, settings, hub, secrets)
    models = core.folder
    core.downloads.restore((await core.folder.library()).unfinishedDownloads())
    core.extensionsWarning = () => stateStore?.warning ?? null
    if (options.watchModels !== false) await core.folder.watch(() => void core.modelsChanged())
    // Running when Arbor last quit: it runs again (a port taken meanwhile is said in its status).
    if (options.serveApi !== false) await core.api.autoStart()
    if (options.reloadLastModel !== false && settings.settings.reloadLastModel) void core.reloadLastModel()
    core.sampler = setInterval(() => void core.sampleMemory(), options.memorySampleMs ?? 1000)
    core.sampler.unref()
    return core
  }

  /** Loads the model loaded last with its settings, as a `model.load` would (progress, refusals); says why not. */
  private async reloadLastModel(): Promise<void> {
    const last = await this.folder.lastLoaded()
    if (!last) return
    const result = await this.handle('model.load', { path: last.path, settings: last.settings })
    if (!result.ok) console.warn(`Arbor: the last model (${last.path}) was not loaded again: ${result.error.message}`)
  }

  get modelsFolder(): ModelsFolder {
    return this.folder
  }

  /** Every request this core answers (the contract test checks each has a handler). */
  get requestNames(): RequestName[] {
    return Object.keys(this.handlers) as RequestName[]
  }

  /**
   * Where an upload of this kind goes (`path`, and `next()` for another free name if that one was taken meanwhile),
   * and the check it must pass to stay there: a model must inspect cleanly, a session must parse as one.
   */
  async uploadTarget(
    kind: 'model' | 'session' | 'extension',
    name: string,
  ): Promise<{ path: string; next(): Promise<string>; check(path: string): Promise<Result<unknown>> }> {
    if (kind === 'model') {
      const next = () => this.folder.freeName(name)
      return { path: await next(), next, check: (path) => this.handle('model.inspect', { path }) }
    }
    if (kind === 'extension') {
      // Staged, then installed by 'extensions.install', which reads and checks it.
      const staging = join(dirname(this.options.modelsFolder), 'extension-uploads')
      await mkdir(staging, { recursive: true })
      const next = () => freeFileName(staging, name, name.toLowerCase().endsWith('.js') ? '.js' : '.ts')
      return { path: await next(), next, check: async (path) => ok({ path }) }
    }
    await mkdir(this.sessions.folderPath, { recursive: true })
    const next = () => freeFileName(this.sessions.folderPath, name, '.jsonl')
    return { path: await next(), next, check: (path) => this.sessions.checkFile(path) }
  }

  on(listener: (event: ArborEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Validates and answers one request. Never throws: errors come back as data. */
  async handle(name: unknown, arg: unknown): Promise<Result<unknown>> {
    const parsed = parseRequest(name, arg)
    if (!parsed.ok) return fail(parsed.code, parsed.message)
    try {
      const handler = this.handlers[parsed.name] as (arg: unknown) => unknown
      return ok(await handler(parsed.arg))
    } catch (error) {
      if (error instanceof ArborFailure) return { ok: false, error: error.toError() }
      return fail('INTERNAL', `Unexpected error: ${(error as Error)?.message ?? String(error)}`)
    }
  }

  /** Typed convenience for in-process callers (CLI, tests). */
  request<K extends RequestName>(name: K, arg: RequestArgs[K]): Promise<Result<RequestResults[K]>> {
    return this.handle(name, arg) as Promise<Result<RequestResults[K]>>
  }

  /** Real memory use after filling the KV cache (CLI and benchmark; not part of the UI contract). */
  async measure(path: string, settings: LoadSettings): Promise<Result<MeasuredMemory>> {
    try {
      await this.stopTurns()
      return ok(await this.engine.measure(fileRef(path), settings))
    } catch (error) {
      return { ok: false, error: ArborFailure.wrap(error, 'LOAD_FAILED', 'Measuring failed: ').toError() }
    }
  }

  async snapshot(): Promise<AppSnapshot> {
    return {
      version: this.options.version ?? '0.1.0',
      hardware: (await this.engine.info()).hardware,
      modelsFolder: this.folder.path,
      models: await this.folder.list(),
      load: this.engine.state,
      session: await this.sessions.view(),
      sessions: await this.sessions.list(),
      sessionsFolder: this.sessions.folderPath,
      generating: this.turns.generating,
      ...(this.turns.streaming ? { streaming: this.turns.streaming } : {}),
      transport: this.options.transport,
      extensionsWarning: this.extensionsWarning(),
      settings: this.settings.settings,
      settingsWarning: this.settings.warning,
      server: { status: this.api.status, log: this.api.log },
      remote: this.remoteView(),
    }
  }

  /** The server in use as the engine, else the one used last (from the settings); never its key. */
  private remoteView(): RemoteEngineView | null {
    const connection = this.engine.remoteConnection
    const last = this.settings.settings.engineServer
    const baseUrl = connection?.baseUrl ?? last?.baseUrl
    if (!baseUrl) return null
    const server = this.engine.remoteServer
    return {
      baseUrl,
      model: connection?.model ?? last?.model ?? null,
      inUse: connection !== null,
      keySaved: this.secrets.get(engineKeyName(baseUrl)) !== null,
      exactTokenCounts: Boolean(server?.tokenizer),
      kind: server?.kind ?? null,
      contextSize: server?.contextSize ?? null,
      slots: server?.slots ?? null,
    }
  }

  /** Every turn stopped, each stored as stopped, every reader done. */
  private async stopTurns(): Promise<void> {
    await this.turns.stop()
    await this.runner.stopAll()
  }

  /** Tells extensions a model loaded or a session started; never waits for them. */
  private announce(event: 'modelLoaded' | 'sessionStart'): void {
    const extensions = this.extensions
    if (!extensions) return
    const ctx = extensionCallContext(this.sessions, this.engine, this.emitEvent, this.sessions.systemPrompt())
    const model = modelInfoOf(this.engine.loaded)
    if (event === 'modelLoaded' && model) void extensions.emit('modelLoaded', { model }, ctx)
    if (event === 'sessionStart') {
      const { header, path, hasFile } = this.sessions
      void extensions.emit('sessionStart', { sessionId: header.id, file: hasFile ? path : null, workingFolder: header.cwd || null }, ctx)
      this.followWorkingFolder(extensions)
    }
  }

  /**
   * Every extension with what its tools cost in every prompt with the loaded model's chat template: for a running
   * one, what turning it off saves (the shared function-calling instructions too, if it is the only one with tools);
   * for another, what turning it on would add.
   */
  async extensionViews(): Promise<ExtensionView[]> {
    const offered = this.extensions?.toolDefinitions() ?? []
    const loaded = this.engine.loaded !== null
    const added = (tools: readonly ToolForModel[]) => toolPromptTokens(this.engine, tools)
    const cost = async (info: ExtensionInfo): Promise<number | null> => {
      try {
        if (offered.some((t) => t.extension === info.name)) return await groupTokenCost(offered, (t) => (t as ToolInfo).extension === info.name, added)
        return info.tools.length === 0 ? 0 : (await added([...offered, ...info.tools])) - (await added(offered))
      } catch {
        // The model went while counting.
        return null
      }
    }
    return Promise.all((this.extensions?.list() ?? []).map(async (info) => ({ ...info, toolTokens: loaded ? await cost(info) : null })))
  }

  /** Another session may have another working folder: its extensions (untrusted until the user trusts it) and `${workspace}`. */
  private followWorkingFolder(extensions: Extensions): void {
    if (!this.options.extensions || this.options.extensions.workspace !== undefined) return
    const workspace = workingFolderOf(this.sessions)
    this.workspaceMove = this.workspaceMove.then(() => extensions.setWorkspace(workspace)).catch(() => undefined)
  }

  private async extensionsChanged(): Promise<void> {
    if (this.disposed) return
    this.sessions.toolsChanged()
    this.emitEvent({ type: 'extensions.changed', extensions: await this.extensionViews() })
  }

  private async modelsChanged() {
    this.emitEvent({ type: 'models.changed', models: await this.folder.list().catch(() => []) })
  }

  private async sampleMemory() {
    if (this.listeners.size === 0 || this.engine.state.status !== 'loaded') return
    this.emitEvent({ type: 'memory.sample', sample: await this.engine.sample() })
  }

  /** Stops every turn (each stored as stopped), the extensions and the engine; resolves when all are down. */
  async dispose(): Promise<void> {
    this.disposed = true
    if (this.sampler) clearInterval(this.sampler)
    this.folder.close()
    await this.api.dispose()
    await this.downloads.dispose()
    // The downloads it paused are written down: the next start offers them again.
    await (await this.folder.library()).flushed()
    await this.stopTurns()
    await this.sessions.close()
    await this.extensions?.dispose()
    await this.engine.dispose()
    this.listeners.clear()
  }
}
