import type { SessionView } from '../../../shared/treeView'
import type { CoreParts, HandlersFor } from './CoreParts'

/**
 * Sessions: list, new, open, rename, delete. Switching to another session first stops the turn being written in
 * this one and waits until it is stored, so nothing is written into a session that is no longer open.
 */
export function sessionRequests(parts: CoreParts): HandlersFor<'session.'> {
  const { sessions } = parts
  const switchTo = async (open: () => Promise<SessionView>): Promise<SessionView> => {
    const view = await parts.turns.holding('Another session is opening', () => parts.turns.stop().then(() => undefined), open)
    parts.announce('sessionStart')
    return view
  }
  return {
    'session.list': () => sessions.list(),
    'session.new': (params) => switchTo(() => sessions.newSession(params?.cwd)),
    'session.setCwd': ({ cwd }) => sessions.setWorkingFolder(cwd),
    'session.open': ({ path }) => switchTo(() => sessions.openFile(path)),
    'session.rename': ({ name }) => sessions.rename(name),
    'session.setTools': ({ enabled }) => sessions.setToolsEnabled(enabled),
    'session.setOverflow': ({ policy }) => sessions.setOverflowPolicy(policy),
    'session.delete': async ({ path }) => {
      const opened = sessions.path
      const stop = () => (path === opened ? parts.turns.stop().then(() => undefined) : Promise.resolve())
      const listed = await parts.turns.holding('A session is being deleted', stop, () => sessions.delete(path))
      if (sessions.path !== opened) parts.announce('sessionStart')
      return listed
    },
  }
}
