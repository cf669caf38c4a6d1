import type { StoreApi } from 'zustand'
import type { ArborEvent } from '../../../shared/contract'
import type { AppState } from './AppState'

type Set = StoreApi<AppState>['setState']
type Get = StoreApi<AppState>['getState']

/** Folds one core event into the store. */
export function applyEvent(event: ArborEvent, set: Set, get: Get): void {
  switch (event.type) {
    case 'models.changed':
      set({ models: event.models })
      return
    case 'model.loadProgress':
      set({
        loadState: { status: 'loading', path: event.path, phase: event.phase, bytesRead: event.bytesRead, bytesTotal: event.bytesTotal },
      })
      return
    case 'model.loadState': {
      const { state } = event
      set({ loadState: state, ...(state.status === 'loaded' ? {} : { memorySample: null }) })
      if (state.status === 'loaded' && get().selectedPath === null) get().adoptLoadedModel(state.model)
      return
    }
    case 'memory.sample':
      set({ memorySample: event.sample })
      return
    case 'chat.turnStart': {
      const { user, assistant } = event
      set({ generating: true, pendingLeaf: null, focusedId: assistant.id })
      get().upsertNodes(user ? [user, assistant] : [assistant], assistant.id)
      get().requestCenter(assistant.id)
      return
    }
    case 'chat.token': {
      const node = get().byId.get(event.nodeId)
      if (node) get().patchNode({ ...node, text: node.text + event.text })
      return
    }
    case 'chat.turnEnd':
      // A reply that called tools goes on after their results: still generating (the request's end clears it).
      set({ generating: event.node.stats?.stopReason === 'toolUse' })
      get().patchNode(event.node)
      return
    case 'chat.idle':
      set({ generating: false })
      return
    case 'session.changed':
      get().adoptSession(event.session)
      return
    case 'session.position':
      get().adoptPosition(event.position)
      return
    case 'sessions.changed':
      set({ sessions: event.sessions })
      return
    case 'extensions.changed':
      set({ extensions: event.extensions, extensionsLoaded: true })
      return
    case 'extensions.notice':
      get().showExtensionNotice(event.extension, event.text)
      return
  }
}
