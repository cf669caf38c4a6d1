import type { TreeNode } from '../../../../shared/treeView'
import type { AppState } from '../../store/AppState'
import { useArbor } from '../../store/useArbor'

const selectProgress = (s: AppState) => s.toolProgress

export type ToolCallListProps = {
  calls: NonNullable<TreeNode['toolCalls']>
  /** A call is running while its reply is the current position and a turn is going on. */
  running: boolean
}

/** The tools a reply called, with their arguments as the tool received them. */
export function ToolCallList({ calls, running }: ToolCallListProps) {
  const progress = useArbor(selectProgress)
  return (
    <ul className="tool-calls" aria-label="Tool calls">
      {calls.map((call) => (
        <li key={call.id} className="tool-call" data-testid="tool-call" data-tool={call.name}>
          <span className="tool-call-arrow" aria-hidden="true">
            →
          </span>
          <code className="tool-call-name">{call.name}</code>
          <code className="tool-call-args">{JSON.stringify(call.arguments)}</code>
          {running && (
            <span className="muted tool-call-running" data-testid="tool-call-progress">
              {progress[call.id] ?? 'running…'}
            </span>
          )}
        </li>
      ))}
    </ul>
  )
}
