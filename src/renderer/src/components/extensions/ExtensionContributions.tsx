import type { ExtensionView } from '../../../../shared/contract'

/** The tools, commands and hooks it registered when it loaded. */
export function ExtensionContributions({ extension }: { extension: ExtensionView }) {
  const { tools, commands, hooks, running } = extension
  if (tools.length + commands.length + hooks.length === 0) {
    return (
      <div className="ext-row" data-testid="extension-contributes">
        <span className="ext-label">Contributes</span>
        <span className="muted">{running ? 'Nothing registered.' : 'Known once it runs.'}</span>
      </div>
    )
  }
  return (
    <div className="ext-row" data-testid="extension-contributes">
      <span className="ext-label">Contributes</span>
      <ul className="ext-contributions">
        {tools.length > 0 && (
          <li>
            <span className="muted">Tools </span>
            {tools.map((t) => (
              <code key={t.name} className="ext-chip" title={t.description} data-testid="extension-tool">
                {t.name}
              </code>
            ))}
          </li>
        )}
        {commands.length > 0 && (
          <li>
            <span className="muted">Commands </span>
            {commands.map((c) => (
              <code key={c.name} className="ext-chip" title={c.description} data-testid="extension-command">
                /{c.name}
              </code>
            ))}
          </li>
        )}
        {hooks.length > 0 && (
          <li>
            <span className="muted">Hooks </span>
            {hooks.map((h) => (
              <code key={h} className="ext-chip" data-testid="extension-hook">
                {h}
              </code>
            ))}
          </li>
        )}
      </ul>
    </div>
  )
}
