import type { AppState } from '../../store/AppState'
import { useArbor } from '../../store/useArbor'

const selectStep = (s: AppState) => s.stepSibling

export type SiblingStepperProps = { nodeId: string; index: number; count: number }

/** ‹ 2/3 ›: the other versions of a message (edits, regenerations); stepping opens the sibling's latest branch. */
export function SiblingStepper({ nodeId, index, count }: SiblingStepperProps) {
  const stepSibling = useArbor(selectStep)
  return (
    <span className="sibling-stepper" data-testid="sibling-stepper">
      <button type="button" className="btn-icon" data-testid="sibling-prev" aria-label="Previous version" disabled={index <= 0} onClick={() => stepSibling(nodeId, -1)}>
        ‹
      </button>
      <span className="sibling-position" data-testid="sibling-position">
        {index + 1}/{count}
      </span>
      <button type="button" className="btn-icon" data-testid="sibling-next" aria-label="Next version" disabled={index >= count - 1} onClick={() => stepSibling(nodeId, 1)}>
        ›
      </button>
    </span>
  )
}
