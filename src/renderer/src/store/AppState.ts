import type { AppSlice } from './createAppSlice'
import type { ChatSlice } from './createChatSlice'
import type { ExtensionsSlice } from './createExtensionsSlice'
import type { FitSlice } from './createFitSlice'
import type { GraphSlice } from './createGraphSlice'
import type { HubSlice } from './createHubSlice'
import type { LibrarySlice } from './createLibrarySlice'
import type { LoadSlice } from './createLoadSlice'
import type { ModelSlice } from './createModelSlice'
import type { SessionSlice } from './createSessionSlice'
import type { SamplingSlice } from './createSamplingSlice'
import type { SettingsSlice } from './createSettingsSlice'
import type { RemoteSlice } from './createRemoteSlice'
import type { ServerSlice } from './createServerSlice'
import type { TreeSlice } from './createTreeSlice'
import type { UiSlice } from './createUiSlice'

/** The whole renderer state: one store made of typed slices. */
export type AppState = AppSlice &
  ModelSlice &
  FitSlice &
  LoadSlice &
  ChatSlice &
  SessionSlice &
  TreeSlice &
  GraphSlice &
  ExtensionsSlice &
  UiSlice &
  SamplingSlice &
  SettingsSlice &
  ServerSlice &
  HubSlice &
  LibrarySlice &
  RemoteSlice
