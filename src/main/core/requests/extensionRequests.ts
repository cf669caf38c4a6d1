import { ArborFailure, type Result } from '../../../shared/errors'
import type { ExtensionView } from '../../../shared/contract'
import type { Extensions } from '../extensions/Extensions'
import type { CoreParts, HandlersFor } from './CoreParts'

/** The extension manager: list with token costs, enable, reload, install, uninstall, allow, settings, trust. */
export function extensionRequests(parts: CoreParts): HandlersFor<'extensions.'> {
  const require = (): Extensions => {
    if (!parts.extensions) throw new ArborFailure('EXTENSION_NOT_FOUND', 'Extensions are off in this Arbor.')
    return parts.extensions
  }
  /** The extensions after a change of them; a change that failed is the request's error. */
  const viewsAfter = async (change: Promise<Result<unknown>>): Promise<ExtensionView[]> => {
    const done = await change
    if (!done.ok) throw ArborFailure.from(done.error)
    return parts.extensionViews()
  }
  return {
    'extensions.list': () => parts.extensionViews(),
    'extensions.setEnabled': ({ name, enabled }) => viewsAfter(enabled ? require().enable(name) : require().disable(name)),
    'extensions.reload': ({ name }) => viewsAfter(require().reload(name)),
    'extensions.install': ({ path }) => viewsAfter(require().install(path)),
    'extensions.uninstall': ({ name }) => viewsAfter(require().uninstall(name)),
    'extensions.allow': ({ name, permissions }) => viewsAfter(require().allow(name, permissions)),
    'extensions.setSettings': ({ name, settings }) => viewsAfter(require().setSettings(name, settings)),
    'extensions.trustWorkspace': ({ folder, trusted }) => viewsAfter(require().trustWorkspace(folder, trusted)),
  }
}
