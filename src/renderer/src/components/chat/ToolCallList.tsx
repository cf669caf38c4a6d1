import { useState } from 'react'
import type { TreeNode } from '../../../../shared/treeView'
import type { AppState } from '../../store/AppState'
import { useArbor } from '../../store/useArbor'

const selectProgress = (s: AppState) => s.toolProgress

export type ToolCallListProps = {
  calls: NonNullable<TreeNode['toolCalls']>
  /** A call is running while its reply is the current position and a turn is going on. */
  running: boolean
}

/** Arguments as the tool received them, indented (the core already bounds their depth). */
const pretty = (args: Record<string, unknown>): string => {
  try {
    return JSON.stringify(args, null, 2)
  } catch {
    return String(args)
  }
}

/** The tools a reply called: one card per call, its name, its arguments pretty-printed, its progress while it runs. */
export function ToolCallList({ calls, running }: ToolCallListProps) {
  const progress = useArbor(selectProgress)
  return (
    <ul className="tool-calls" aria-label="Tool calls">
      {calls.map((call) => {
        const args = pretty(call.arguments)
        return (
          <li key={call.id} className="tool-call" data-testid="tool-call" data-tool={call.name}>
            <div className="tool-call-head">
              <span className="tool-call-arrow" aria-hidden="true">
                →
              </span>
              <code className="tool-call-name" data-testid="tool-call-name">
                {call.name}
              </code>
              {running && (
                <span className="muted tool-call-running" data-testid="tool-call-progress">
                  <span className="spinner" aria-hidden="true" /> {progress[call.id] ?? 'running…'}
                </span>
              )}
            </div>
            {args !== '{}' && (
              <ClampedText className="tool-call-args" text={args} testId="tool-call-args" />
            )}
          </li>
        )
      })}
    </ul>
  )
}

/** Monospaced text cut at `lines` lines with a "Show all" button. */
export function ClampedText({ text, className, testId, lines = 20 }: { text: string; className: string; testId: string; lines?: number }) {
  const [open, setOpen] = useState(false)
  const all = text.split('\n')
  const cut = !open && all.length > lines
  return (
    <div className={className}>
      <pre data-testid={testId}>{cut ? all.slice(0, lines).join('\n') : text}</pre>
      {all.length > lines && (
        <button type="button" className="btn btn-small show-more" data-testid="show-more" onClick={() => setOpen(!open)}>
          {open ? 'Show less' : `Show all ${all.length.toLocaleString('en-US')} lines`}
        </button>
      )}
    </div>
  )
}
