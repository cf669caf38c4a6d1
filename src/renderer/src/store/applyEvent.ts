import type { StoreApi } from 'zustand'
import type { ArborEvent } from '../../../shared/contract'
import type { MessageNode } from '../../../shared/types'
import type { AppState } from './AppState'

type Set = StoreApi<AppState>['setState']
type Get = StoreApi<AppState>['getState']

const replaceNode = (nodes: MessageNode[], node: MessageNode): MessageNode[] =>
  nodes.some((n) => n.id === node.id) ? nodes.map((n) => (n.id === node.id ? node : n)) : [...nodes, node]

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
      const { conversation } = get()
      const nodes = replaceNode(replaceNode(conversation.nodes, event.user), event.assistant)
      set({ generating: true, conversation: { ...conversation, nodes, leafId: event.assistant.id } })
      return
    }
    case 'chat.token': {
      const { conversation } = get()
      set({
        conversation: {
          ...conversation,
          nodes: conversation.nodes.map((n) => (n.id === event.nodeId ? { ...n, text: n.text + event.text } : n)),
        },
      })
      return
    }
    case 'chat.turnEnd': {
      const { conversation } = get()
      set({ generating: false, conversation: { ...conversation, nodes: replaceNode(conversation.nodes, event.node) } })
      return
    }
    case 'conversation.changed':
      set({ conversation: event.conversation })
      return
  }
}
