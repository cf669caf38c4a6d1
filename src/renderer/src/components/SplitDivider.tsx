import { useRef, type KeyboardEvent, type PointerEvent, type RefObject } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { AppState } from '../store/AppState'
import { useArbor } from '../store/useArbor'

const selectSplit = (s: AppState) => ({ splitRatio: s.splitRatio, setSplitRatio: s.setSplitRatio })

/** The draggable bar between the chat and the graph (also ←/→ when focused). */
export function SplitDivider({ container }: { container: RefObject<HTMLElement | null> }) {
  const { splitRatio, setSplitRatio } = useArbor(useShallow(selectSplit))
  const dragging = useRef(false)

  const ratioAt = (clientX: number) => {
    const box = container.current?.getBoundingClientRect()
    return box && box.width > 0 ? (clientX - box.left) / box.width : splitRatio
  }
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    dragging.current = true
    e.currentTarget.setPointerCapture(e.pointerId)
  }
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (dragging.current) setSplitRatio(ratioAt(e.clientX))
  }
  const onPointerUp = (e: PointerEvent<HTMLDivElement>) => {
    dragging.current = false
    e.currentTarget.releasePointerCapture(e.pointerId)
  }
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.altKey) return
    if (e.key === 'ArrowLeft') setSplitRatio(splitRatio - 0.05)
    else if (e.key === 'ArrowRight') setSplitRatio(splitRatio + 0.05)
  }

  return (
    <div
      className="split-divider"
      role="separator"
      aria-orientation="vertical"
      aria-label="Resize chat and tree"
      aria-valuenow={Math.round(splitRatio * 100)}
      aria-valuemin={25}
      aria-valuemax={75}
      tabIndex={0}
      data-testid="split-divider"
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onKeyDown={onKeyDown}
    />
  )
}
