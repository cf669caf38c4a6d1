import type { ArborEvent, ExtensionView, RequestArgs, RequestName, RequestResults } from '../../../shared/contract'
import type { ApiService } from '../api/ApiService'
import type { TreeTurns } from '../chat/TreeTurns'
import type { EngineSwitch } from '../engine'
import type { Extensions } from '../extensions/Extensions'
import type { HubDownloads } from '../hub/HubDownloads'
import type { HubService } from '../hub/HubService'
import type { ModelsFolder } from '../ModelsFolder'
import type { SessionService } from '../sessions/SessionService'
import type { SecretStore } from '../settings/SecretStore'
import type { SettingsStore } from '../settings/SettingsStore'
import type { RemoteEngineView } from '../../../shared/types'
import type { TurnRunner } from '../turns/TurnRunner'

export type Handler<K extends RequestName> = (arg: RequestArgs[K]) => Promise<RequestResults[K]> | RequestResults[K]

/** The handlers of the requests whose names start with one of `Prefix`: exactly those, each typed by the contract. */
export type HandlersFor<Prefix extends string> = { [K in Extract<RequestName, `${Prefix}${string}`>]: Handler<K> }

/** Every request's handler: a missing one is a compile error where the areas are merged. */
export type Handlers = { [K in RequestName]: Handler<K> }

/** What the request areas share: the engine and its clients, and the core's announcements. */
export type CoreParts = {
  /** The engine in use: the local one, or a server connected to ("Connect to a server…"). */
  engine: EngineSwitch
  /** Keys of servers used as the engine; never sent to a UI. */
  secrets: SecretStore
  /** The server in use as the engine, or the last one. */
  remoteView(): RemoteEngineView | null
  sessions: SessionService
  turns: TreeTurns
  runner: TurnRunner
  extensions: Extensions | null
  models: ModelsFolder
  settings: SettingsStore
  api: ApiService
  hub: HubService
  downloads: HubDownloads
  emit(event: ArborEvent): void
  /** Stops every turn (the tree's and every other client's) and waits until each is stored and over. */
  stopTurns(): Promise<void>
  /** Tells extensions a model loaded, or a session started; never waits for them. */
  announce(event: 'modelLoaded' | 'sessionStart'): void
  extensionViews(): Promise<ExtensionView[]>
  extensionsChanged(): Promise<void>
  modelsChanged(): Promise<void>
  /** Shows a file in the system's file manager (the desktop app gives one); undefined where there is none. */
  revealFile?: (path: string) => Promise<void> | void
}
