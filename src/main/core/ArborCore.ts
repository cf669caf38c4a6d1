import { parseRequest, type ArborEvent, type ExtensionView, type RequestArgs, type RequestName, type RequestResults } from '../../shared/contract'
import { ArborFailure, fail, ok, type Result } from '../../shared/errors'
import { mkdir } from 'node:fs/promises'
import os from 'node:os'
import { dirname, join, parse, resolve } from 'node:path'
import { extensionCallContext } from './extensionCallContext'
import { freeFileName } from './freeFileName'
import type { ExtensionRegistryOptions } from './extensions/ExtensionRegistry'
import { Extensions } from './extensions/Extensions'
import { ExtensionStateStore } from './extensions/ExtensionStateStore'
import { defaultExtensionStateFile } from './arborHome'
import type { AppSnapshot, LoadSettings } from '../../shared/types'
import type { ToolInfo } from '../../shared/extensions/ExtensionContext'
import type { ExtensionInfo } from '../../shared/extensions/ExtensionInfo'
import { groupTokenCost, type ToolForModel } from '../../shared/extensions/toolTokenCost'
import type { MeasuredMemory } from './engine/measureMemory'
import { ChatTurns } from './ChatTurns'
import { SessionService } from './SessionService'
import { SessionsFolder } from './sessions/SessionsFolder'
import { getArborLlama, type ArborLlama } from './engine/getArborLlama'
import { readHardware } from './engine/readHardware'
import { ModelsFolder } from './ModelsFolder'
import { ModelService, type MemoryBudget } from './ModelService'

export type ArborCoreOptions = MemoryBudget & {
  modelsFolder: string
  /** Where session files (`*.jsonl`) live. Defaults to `sessions` beside the models folder. */
  sessionsFolder?: string
  transport: AppSnapshot['transport']
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
  const cwd = sessions.session.doc.header.cwd
  if (!cwd) return null
  const folder = resolve(cwd)
  return folder === resolve(os.homedir()) || folder === parse(folder).root ? null : { folder, trusted: false }
}

type Handlers = { [K in RequestName]: (arg: RequestArgs[K]) => Promise<RequestResults[K]> | RequestResults[K] }

/**
 * The engine behind every UI: one object that answers the contract's requests and emits its
 * events. Knows nothing of Electron, HTTP or the DOM.
 */
export class ArborCore {
  private readonly chat: ChatTurns
  private readonly folder: ModelsFolder
  private sampler: NodeJS.Timeout | null = null
  private readonly handlers: Handlers
  /** The last problem with the extension state file, for a UI that connects later. */
  private extensionsWarning: () => string | null = () => null
  /** The last change of working folder given to the extensions; the next one waits for it. */
  private workspaceMove: Promise<void> = Promise.resolve()

  private constructor(
    private readonly llama: ArborLlama,
    private readonly options: ArborCoreOptions,
    private readonly models: ModelService,
    private readonly sessions: SessionService,
    private readonly listeners: Set<(event: ArborEvent) => void>,
    private readonly emitEvent: (event: ArborEvent) => void,
    private readonly extensions: Extensions | null,
  ) {
    this.chat = new ChatTurns(sessions, emitEvent, () => this.models.runtime, extensions, () => this.models.loadedFacts)
    sessions.offeredTools = () => extensions?.toolDefinitions() ?? []
    this.folder = new ModelsFolder(options.modelsFolder)
    this.handlers = {
      'app.snapshot': () => this.snapshot(),
      'hardware.get': () => readHardware(this.llama),
      'models.list': () => this.folder.list(),
      'models.createDemo': async () => {
        const entry = await this.folder.createDemo()
        void this.modelsChanged()
        return entry
      },
      'model.inspect': async ({ path }) => (await this.models.inspect(path)).facts,
      'model.estimate': ({ path, settings }) => this.models.estimate(path, settings),
      'model.load': async (request) => {
        this.chat.stop()
        try {
          const loaded = await this.models.load(request)
          this.announce('modelLoaded')
          return loaded
        } finally {
          this.sessions.modelChanged()
          // Tool token costs are counted with the loaded model.
          if (this.extensions) void this.extensionsChanged()
        }
      },
      'model.cancelLoad': () => ({ cancelled: this.models.cancelLoad() }),
      'model.unload': async () => {
        this.chat.stop()
        const unloaded = await this.models.unload()
        this.sessions.modelChanged()
        if (this.extensions) void this.extensionsChanged()
        return { unloaded }
      },
      'chat.send': ({ text, parentId, maxTokens }) => this.chat.send(text, parentId, maxTokens),
      'chat.command': ({ text, parentId }) => this.chat.command(text, parentId),
      'chat.regenerate': ({ nodeId, maxTokens }) => this.chat.regenerate(nodeId, maxTokens),
      'chat.stop': () => ({ stopped: this.chat.stop() }),
      'chat.setSystemPrompt': ({ text }) => this.sessions.setSystemPrompt(text),
      'session.list': () => this.sessions.list(),
      'session.new': () => this.idle(() => this.sessions.newSession()).then((view) => this.announce('sessionStart', view)),
      'session.open': ({ path }) => this.idle(() => this.sessions.openFile(path)).then((view) => this.announce('sessionStart', view)),
      'session.rename': ({ name }) => this.sessions.rename(name),
      'session.delete': ({ path }) => this.idle(() => this.sessions.delete(path)),
      'tree.select': ({ nodeId }) => this.sessions.select(nodeId),
      'tree.label': ({ nodeId, label }) => this.sessions.label(nodeId, label),
      'tree.favourite': ({ leafId }) => this.sessions.favourite(leafId),
      'tree.collapse': ({ nodeId, collapsed }) => this.sessions.collapse(nodeId, collapsed),
      'tree.prune': ({ nodeId }) => this.idle(() => this.sessions.prune(nodeId)),
      'tree.undo': () => this.idle(() => this.sessions.undo()),
      'tree.fork': ({ nodeId }) => this.idle(() => this.sessions.fork(nodeId)),
      'tree.summarizeBranch': ({ fromLeafId, toNodeId }) => this.chat.summarizeBranch(fromLeafId, toNodeId),
      'extensions.list': () => this.extensionViews(),
      'extensions.setEnabled': async ({ name, enabled }) => {
        const extensions = this.requireExtensions()
        await (enabled ? extensions.enable(name) : extensions.disable(name))
        return this.extensionViews()
      },
      'extensions.reload': async ({ name }) => {
        await this.requireExtensions().reload(name)
        return this.extensionViews()
      },
      'extensions.install': ({ path }) => this.viewsAfter(this.requireExtensions().install(path)),
      'extensions.uninstall': ({ name }) => this.viewsAfter(this.requireExtensions().uninstall(name)),
      'extensions.allow': ({ name, permissions }) => this.viewsAfter(this.requireExtensions().registry.allow(name, permissions)),
      'extensions.setSettings': async ({ name, settings }) => {
        const info = this.requireExtensions().list().find((e) => e.name === name)
        if (!info) throw new ArborFailure('EXTENSION_NOT_FOUND', `No extension "${name}".`)
        const unknown = Object.keys(settings).find((key) => !info.settings.some((s) => s.name === key))
        if (unknown !== undefined) throw new ArborFailure('BAD_REQUEST', `${name} has no setting "${unknown}".`)
        // Empty values are not settings: the manifest's default applies.
        const given = Object.fromEntries(Object.entries(settings).filter(([, value]) => value.trim() !== ''))
        return this.viewsAfter(this.requireExtensions().registry.setSettings(name, given))
      },
      'extensions.trustWorkspace': ({ folder, trusted }) => this.viewsAfter(this.requireExtensions().registry.trustWorkspace(folder, trusted)),
    }
  }

  static async create(options: ArborCoreOptions): Promise<ArborCore> {
    const llama = await getArborLlama()
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
    const models = new ModelService(llama, emit, options)
    const folder = new SessionsFolder(options.sessionsFolder ?? join(dirname(options.modelsFolder), 'sessions'))
    const sessions = await SessionService.create(folder, emit, () => models.runtime, process.cwd())
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
    core = new ArborCore(llama, options, models, sessions, listeners, emit, extensions)
    core.extensionsWarning = () => stateStore?.warning ?? null
    if (options.watchModels !== false) await core.folder.watch(() => void core.modelsChanged())
    core.sampler = setInterval(() => void core.sampleMemory(), options.memorySampleMs ?? 1000)
    core.sampler.unref()
    return core
  }

  get modelsFolder(): ModelsFolder {
    return this.folder
  }

  /**
   * Where an upload of this kind goes, and the check it must pass to stay there: a model must
   * inspect cleanly, a session must parse as one.
   */
  async uploadTarget(kind: 'model' | 'session' | 'extension', name: string): Promise<{ path: string; check(path: string): Promise<Result<unknown>> }> {
    if (kind === 'model') return { path: await this.folder.freeName(name), check: (path) => this.handle('model.inspect', { path }) }
    if (kind === 'extension') {
      // Staged, then installed by 'extensions.install', which reads and checks it.
      const staging = join(dirname(this.options.modelsFolder), 'extension-uploads')
      await mkdir(staging, { recursive: true })
      const extension = name.toLowerCase().endsWith('.js') ? '.js' : '.ts'
      return { path: await freeFileName(staging, name, extension), check: async (path) => ok({ path }) }
    }
    await mkdir(this.sessions.folderPath, { recursive: true })
    return { path: await freeFileName(this.sessions.folderPath, name, '.jsonl'), check: (path) => this.sessions.checkFile(path) }
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

  /** Tells extensions a model loaded or a session started; never waits for them. */
  private announce<T>(event: 'modelLoaded' | 'sessionStart', passThrough?: T): T {
    const extensions = this.extensions
    const facts = this.models.loadedFacts
    const runtime = this.models.runtime
    if (extensions) {
      const ctx = extensionCallContext(this.sessions, runtime, facts, this.emitEvent, this.sessions.systemPrompt())
      if (event === 'modelLoaded' && ctx.model) void extensions.emit('modelLoaded', { model: ctx.model }, ctx)
      if (event === 'sessionStart') {
        const { doc, path, file } = this.sessions.session
        void extensions.emit('sessionStart', { sessionId: doc.header.id, file: file ? path : null, workingFolder: doc.header.cwd || null }, ctx)
        this.followWorkingFolder(extensions)
      }
    }
    return passThrough as T
  }

  /** The extensions after a change of them; a change that failed is the request's error. */
  private async viewsAfter(change: Promise<Result<unknown>>): Promise<ExtensionView[]> {
    const done = await change
    if (!done.ok) throw ArborFailure.from(done.error)
    return this.extensionViews()
  }

  /**
   * Every extension with what its tools cost in every prompt with the loaded model's chat template: for a
   * running one, what turning it off saves (the shared function-calling instructions too, if it is the only
   * one with tools); for another, what turning it on would add.
   */
  async extensionViews(): Promise<ExtensionView[]> {
    const runtime = this.models.runtime
    const offered = this.extensions?.toolDefinitions() ?? []
    const added = (tools: readonly ToolForModel[]) => runtime!.toolPromptTokens(tools)
    const cost = async (info: ExtensionInfo): Promise<number> =>
      offered.some((t) => t.extension === info.name)
        ? groupTokenCost(offered, (t) => (t as ToolInfo).extension === info.name, added)
        : info.tools.length === 0
          ? 0
          : added([...offered, ...info.tools]) - added(offered)
    return Promise.all((this.extensions?.list() ?? []).map(async (info) => ({ ...info, toolTokens: runtime ? await cost(info) : null })))
  }

  /** Another session may have another working folder: its extensions (untrusted until the user trusts it) and `${workspace}`. */
  private followWorkingFolder(extensions: Extensions): void {
    if (!this.options.extensions || this.options.extensions.workspace !== undefined) return
    const workspace = workingFolderOf(this.sessions)
    this.workspaceMove = this.workspaceMove.then(() => extensions.setWorkspace(workspace)).catch(() => undefined)
  }

  private async extensionsChanged(): Promise<void> {
    this.emitEvent({ type: 'extensions.changed', extensions: await this.extensionViews() })
  }

  private requireExtensions(): Extensions {
    if (!this.extensions) throw new ArborFailure('EXTENSION_NOT_FOUND', 'Extensions are off in this Arbor.')
    return this.extensions
  }

  /** Refuses tree surgery while a reply is being written into the tree. */
  private idle<T>(work: () => Promise<T>): Promise<T> {
    if (this.chat.generating) throw new ArborFailure('GENERATION_IN_PROGRESS', 'A reply is being written. Stop it or wait, then try again.')
    return work()
  }

  /** Typed convenience for in-process callers (CLI, tests). */
  request<K extends RequestName>(name: K, arg: RequestArgs[K]): Promise<Result<RequestResults[K]>> {
    return this.handle(name, arg) as Promise<Result<RequestResults[K]>>
  }

  /** Real memory use after filling the KV cache (CLI and benchmark; not part of the UI contract). */
  async measure(path: string, settings: LoadSettings): Promise<Result<MeasuredMemory>> {
    try {
      return ok(await this.models.measure(path, settings))
    } catch (error) {
      if (error instanceof ArborFailure) return { ok: false, error: error.toError() }
      return fail('LOAD_FAILED', `Measuring failed: ${(error as Error)?.message ?? String(error)}`)
    }
  }

  async snapshot(): Promise<AppSnapshot> {
    return {
      version: this.options.version ?? '0.1.0',
      hardware: await readHardware(this.llama),
      modelsFolder: this.folder.path,
      models: await this.folder.list(),
      load: this.models.state,
      session: this.sessions.view(),
      sessions: await this.sessions.list(),
      sessionsFolder: this.sessions.folderPath,
      generating: this.chat.generating,
      transport: this.options.transport,
      extensionsWarning: this.extensionsWarning(),
    }
  }

  private async modelsChanged() {
    this.emitEvent({ type: 'models.changed', models: await this.folder.list().catch(() => []) })
  }

  private async sampleMemory() {
    if (this.listeners.size === 0 || this.models.state.status !== 'loaded') return
    this.emitEvent({ type: 'memory.sample', sample: await this.models.sample() })
  }

  async dispose(): Promise<void> {
    if (this.sampler) clearInterval(this.sampler)
    this.folder.close()
    this.chat.stop()
    await this.extensions?.dispose()
    this.models.cancelLoad()
    await this.models.unload()
    this.listeners.clear()
  }
}
