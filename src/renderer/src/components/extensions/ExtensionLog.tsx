import type { ExtensionLogLine } from '../../../../shared/extensions/ExtensionInfo'

const time = (at: number): string => new Date(at).toLocaleTimeString(undefined, { hour12: false })

/** The last lines it logged (console, stdout, stderr), oldest first. */
export function ExtensionLog({ lines }: { lines: ExtensionLogLine[] }) {
  return (
    <div className="ext-log" data-testid="extension-log" role="log">
      {lines.length === 0 ? (
        <span className="muted">Nothing logged yet.</span>
      ) : (
        lines.map((line, i) => (
          <div key={i} className={`ext-log-line level-${line.level}`}>
            <span className="ext-log-time">{time(line.at)}</span>
            <span className="ext-log-stream">{line.level}</span>
            <span className="ext-log-text">{line.text}</span>
          </div>
        ))
      )}
    </div>
  )
}
