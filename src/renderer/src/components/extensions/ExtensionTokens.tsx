import type { ExtensionView } from '../../../../shared/contract'

/**
 * What its tools add to every prompt, rendered by the loaded model's chat template (so unknown without one): for a
 * running extension what turning it off saves, for another what turning it on would add.
 */
export function ExtensionTokens({ extension }: { extension: ExtensionView }) {
  const { tools, toolTokens } = extension
  const [text, note] =
    tools.length === 0 && !extension.running
      ? ['—', 'known once it runs']
      : tools.length === 0
        ? ['0', 'no tools']
      : toolTokens === null
        ? ['— (load a model)', 'measured with the loaded model’s chat template']
        : [
            `${toolTokens.toLocaleString()} ${toolTokens === 1 ? 'token' : 'tokens'} in every prompt`,
            extension.running ? 'what turning it off saves' : 'what turning it on would add',
          ]
  return (
    <div className="ext-row">
      <span className="ext-label">Prompt cost</span>
      <span>
        <span data-testid="extension-tokens">{text}</span>
        {note && <span className="muted small"> · {note}</span>}
      </span>
    </div>
  )
}
