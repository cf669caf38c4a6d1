import type { ArborEvent } from '../../../shared/contract'
import type { ModelInfo, NodeSnapshot } from '../../../shared/extensions/ExtensionContext'
import { isShownOnly } from '../../../shared/tree/contextMessages'
import { treeNodes } from '../../../shared/tree/treeNodes'
import type { TreeNode } from '../../../shared/treeView'
import type { LoadedModel } from '../../../shared/types'
import type { Engine } from '../engine'
import type { ExtensionCallContext } from '../extensions/ExtensionCallContext'
import type { SessionService } from '../sessions/SessionService'
import { toolPromptTokens } from '../turns/toolPromptTokens'

const snapshot = (n: Pick<TreeNode, 'id' | 'parentId' | 'kind' | 'text'>): NodeSnapshot => ({ id: n.id, parentId: n.parentId, kind: n.kind, text: n.text })

/** What extensions read of the loaded model. */
export const modelInfoOf = (loaded: LoadedModel | null): ModelInfo | null =>
  loaded && {
    path: loaded.facts.path,
    fileName: loaded.facts.fileName,
    name: loaded.facts.name,
    architecture: loaded.facts.architecture,
    parameters: loaded.facts.parameters,
    trainContextSize: loaded.facts.trainContextSize,
    contextSize: loaded.settings.contextSize,
  }

/** What an extension call sees of the open session and the engine: the path, the tree on demand, the model, callbacks. */
export function extensionCallContext(sessions: SessionService, engine: Engine, emit: (event: ArborEvent) => void, systemPrompt: string): ExtensionCallContext {
  const loaded = engine.loaded
  return {
    // Only the path: the whole tree is built if an extension asks for it.
    path: treeNodes(sessions.entriesTo(sessions.position)).map((n) => (isShownOnly(n.entry) ? { ...snapshot(n), hidden: true } : snapshot(n))),
    systemPrompt,
    model: modelInfoOf(loaded),
    tree: () => sessions.nodes().map(snapshot),
    notify: (text, extension) => emit({ type: 'extensions.notice', extension, text }),
    appendEntry: async (customType, data, extension) => {
      await sessions.appendAtPosition({ type: 'custom', customType, data: { extension, data } })
    },
    countTokens: loaded ? async (text) => (await engine.countTokens([text]))[0]! : undefined,
    toolPromptTokens: loaded ? (tools) => toolPromptTokens(engine, tools) : undefined,
  }
}
