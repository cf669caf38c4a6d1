import { ArborFailure } from '../../../shared/errors'
import type { SessionView } from '../../../shared/treeView'
import type { CoreParts, HandlersFor } from './CoreParts'

/** Moving in the tree and organising it: select, label, star, collapse, prune and undo, fork, summarise a branch. */
export function treeRequests(parts: CoreParts): HandlersFor<'tree.'> {
  const { sessions, turns } = parts
  /** Tree surgery while a reply is being written into the tree could remove what it answers: refused. */
  const idle = <T>(work: () => Promise<T>): Promise<T> => {
    if (turns.generating) throw new ArborFailure('GENERATION_IN_PROGRESS', 'A reply is being written. Stop it or wait, then try again.')
    return work()
  }
  return {
    'tree.select': ({ nodeId }) => sessions.select(nodeId),
    'tree.label': ({ nodeId, label }) => sessions.label(nodeId, label),
    'tree.favourite': ({ leafId }) => sessions.favourite(leafId),
    'tree.collapse': ({ nodeId, collapsed }) => sessions.collapse(nodeId, collapsed),
    'tree.prune': ({ nodeId }) => idle(() => sessions.prune(nodeId)),
    'tree.undo': () => idle(() => sessions.undo()),
    'tree.emptyUndo': () => sessions.emptyUndo(),
    'tree.fork': async ({ nodeId }): Promise<SessionView> => {
      const view = await turns.holding('The session is being forked', () => turns.stop().then(() => undefined), () => sessions.fork(nodeId))
      parts.announce('sessionStart')
      return view
    },
    'tree.summarizeBranch': ({ fromLeafId, toNodeId }) => turns.summarizeBranch(fromLeafId, toNodeId),
  }
}
