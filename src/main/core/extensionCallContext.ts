import type { ArborEvent } from '../../shared/contract'
import type { ModelInfo, NodeSnapshot } from '../../shared/extensions/ExtensionContext'
import { isShownOnly } from '../../shared/tree/contextMessages'
import { treeNodes } from '../../shared/tree/treeNodes'
import type { TreeNode } from '../../shared/treeView'
import type { ModelRuntime } from './engine/ModelRuntime'
import type { ExtensionCallContext } from './extensions/ExtensionCallContext'
import type { SessionService } from './SessionService'

const snapshot = (n: Pick<TreeNode, 'id' | 'parentId' | 'kind' | 'text'>): NodeSnapshot => ({ id: n.id, parentId: n.parentId, kind: n.kind, text: n.text })

/** What an extension call sees of the core: the path, the tree on demand, the model, and callbacks. */
export function extensionCallContext(
  sessions: SessionService,
  runtime: ModelRuntime | null,
  modelInfo: Omit<ModelInfo, 'contextSize'> | null,
  emit: (event: ArborEvent) => void,
  systemPrompt: string,
): ExtensionCallContext {
  const { doc, position } = sessions.session
  return {
    // Only the path: the whole tree is built if an extension asks for it.
    path: treeNodes(doc.pathTo(position)).map((n) => (isShownOnly(n.entry) ? { ...snapshot(n), hidden: true } : snapshot(n))),
    systemPrompt,
    model: modelInfo && runtime ? { ...modelInfo, contextSize: runtime.settings.contextSize } : null,
    tree: () => sessions.view().nodes.map(snapshot),
    notify: (text, extension) => emit({ type: 'extensions.notice', extension, text }),
    appendEntry: async (customType, data, extension) => {
      const { position, doc } = sessions.session
      await sessions.append({ type: 'custom', customType, data: { extension, data } }, position ?? doc.leafId)
    },
    countTokens: runtime ? (text) => runtime.countTokens(text) : undefined,
    toolPromptTokens: runtime ? (tools) => runtime.toolPromptTokens(tools) : undefined,
  }
}
