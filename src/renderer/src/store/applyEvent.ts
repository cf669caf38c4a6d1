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
      if (state.status === 'loaded') get().useSamplingOf(state.model.facts.fileName)
      if (state.status === 'loaded' && get().selectedPath === null) get().adoptLoadedModel(state.model)
      return
    }
    case 'memory.sample':
      set({ memorySample: event.sample })
      return
    case 'chat.turnStart': {
      const { user, assistant } = event
      set({ generating: true, pendingLeaf: null, focusedId: assistant.id, streaming: { nodeId: assistant.id, text: '' }, compacting: null })
      get().upsertNodes(user ? [user, assistant] : [assistant], assistant.id)
      get().requestCenter(assistant.id)
      return
    }
    case 'chat.promptProgress': {
      const { streaming } = get()
      if (streaming?.nodeId === event.nodeId) set({ streaming: { ...streaming, prompt: { evaluated: event.evaluated, total: event.total } } })
      return
    }
    case 'chat.token': {
      // Only the streaming text changes: the tree and the message list are not copied for every token.
      const { streaming } = get()
      if (streaming?.nodeId === event.nodeId)
        set({
          streaming: {
            ...streaming,
            text: streaming.text + event.text,
            tokens: (streaming.tokens ?? 0) + 1,
            firstTokenAt: streaming.firstTokenAt ?? performance.now(),
          },
        })
      return
    }
    case 'chat.reasoning': {
      const { streaming } = get()
      if (streaming?.nodeId === event.nodeId)
        set({ streaming: { ...streaming, reasoning: (streaming.reasoning ?? '') + event.text, tokens: (streaming.tokens ?? 0) + 1, firstTokenAt: streaming.firstTokenAt ?? performance.now() } })
      return
    }
    case 'chat.turnEnd': {
      // A reply that called tools goes on after their results: still generating (the request's end clears it).
      const s = get()
      set({
        generating: event.node.stats?.stopReason === 'toolUse',
        streaming: null,
        ...(s.focusedId === event.pendingId ? { focusedId: event.node.id } : {}),
      })
      get().replacePending(event.pendingId, event.node)
      return
    }
    case 'chat.toolProgress':
      set({ toolProgress: { ...get().toolProgress, [event.callId]: event.text } })
      return
    case 'chat.idle':
      set({ generating: false, streaming: null, toolProgress: {}, compacting: null })
      return
    case 'chat.compactProgress':
      set({ compacting: { step: event.step, steps: event.steps, tokens: event.tokens } })
      return
    case 'server.changed':
      get().adoptServer(event.status)
      return
    case 'hub.download':
      get().adoptDownload(event.download)
      return
    case 'server.request':
      get().noteServerRequest(event.entry)
      return
    case 'settings.changed':
      get().adoptSettings(event.settings, event.warning)
      return
    case 'session.opened':
      get().adoptSession(event.session)
      return
    case 'session.changed':
      get().applyDelta(event.delta)
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
