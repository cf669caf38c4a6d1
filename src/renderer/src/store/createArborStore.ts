import { createStore, type StoreApi } from 'zustand'
import type { ArborClient } from '../api/ArborClient'
import type { AppState } from './AppState'
import { createAppSlice } from './createAppSlice'
import { createChatSlice } from './createChatSlice'
import { createExtensionsSlice } from './createExtensionsSlice'
import { createFitSlice } from './createFitSlice'
import { createGraphSlice } from './createGraphSlice'
import { createLibrarySlice } from './createLibrarySlice'
import { createLoadSlice } from './createLoadSlice'
import { createModelSlice } from './createModelSlice'
import { createSessionSlice } from './createSessionSlice'
import { createTreeSlice } from './createTreeSlice'
import { createSamplingSlice } from './createSamplingSlice'
import { createSettingsSlice } from './createSettingsSlice'
import { createHubSlice } from './createHubSlice'
import { createRemoteSlice } from './createRemoteSlice'
import { createServerSlice } from './createServerSlice'
import { createUiSlice } from './createUiSlice'

export type ArborStore = StoreApi<AppState>

/** The one renderer store, its slices bound to a client (Electron, headless, or a fake in tests). */
export function createArborStore(client: ArborClient): ArborStore {
  return createStore<AppState>()((...a) => ({
    ...createAppSlice(client)(...a),
    ...createModelSlice(client)(...a),
    ...createFitSlice(client)(...a),
    ...createLoadSlice(client)(...a),
    ...createChatSlice(client)(...a),
    ...createSessionSlice(client)(...a),
    ...createTreeSlice(client)(...a),
    ...createGraphSlice(...a),
    ...createExtensionsSlice(client)(...a),
    ...createUiSlice(...a),
    ...createSamplingSlice(...a),
    ...createSettingsSlice(client)(...a),
    ...createServerSlice(client)(...a),
    ...createHubSlice(client)(...a),
    ...createLibrarySlice(client)(...a),
    ...createRemoteSlice(client)(...a),
  }))
}
