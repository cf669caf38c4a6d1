import type { ExtensionView } from '../../../../shared/contract'

/** What its tool definitions add to every prompt: measured with the loaded model, so unknown without one. */
export function ExtensionTokens({ extension }: { extension: ExtensionView }) {
  const { tools, toolTokens } = extension
  const [text, note] =
    tools.length === 0
      ? ['0', 'no tools']
      : toolTokens === null
        ? ['— (load a model)', 'counted with the loaded model’s tokenizer']
        : [`${toolTokens.toLocaleString()} ${toolTokens === 1 ? 'token' : 'tokens'} in every prompt`, null]
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
