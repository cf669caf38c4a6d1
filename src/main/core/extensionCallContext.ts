import type { ArborEvent } from '../../shared/contract'
import type { ModelInfo, NodeSnapshot } from '../../shared/extensions/ExtensionContext'
import { pathTo } from '../../shared/conversationTree'
import type { TreeNode } from '../../shared/treeView'
import type { ModelRuntime } from './engine/ModelRuntime'
import type { ExtensionCallContext } from './extensions/ExtensionCallContext'
import type { SessionService } from './SessionService'

const snapshot = (n: TreeNode): NodeSnapshot => ({ id: n.id, parentId: n.parentId, kind: n.kind, text: n.text })

/** What an extension call sees of the core: the path, the tree on demand, the model, and callbacks. */
export function extensionCallContext(
  sessions: SessionService,
  runtime: ModelRuntime | null,
  modelInfo: Omit<ModelInfo, 'contextSize'> | null,
  emit: (event: ArborEvent) => void,
  systemPrompt: string,
): ExtensionCallContext {
  const view = sessions.view()
  return {
    path: pathTo(view.nodes, view.leafId).map(snapshot),
    systemPrompt,
    model: modelInfo && runtime ? { ...modelInfo, contextSize: runtime.settings.contextSize } : null,
    tree: () => sessions.view().nodes.map(snapshot),
    notify: (text, extension) => emit({ type: 'extensions.notice', extension, text }),
    appendEntry: async (customType, data, extension) => {
      const { position, doc } = sessions.session
      await sessions.append({ type: 'custom', customType, data: { extension, data } }, position ?? doc.leafId)
    },
    countTokens: runtime ? (text) => runtime.countTokens(text) : undefined,
  }
}
