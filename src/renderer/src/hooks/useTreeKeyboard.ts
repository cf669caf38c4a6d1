import { useEffect, type RefObject } from 'react'
import type { AppState } from '../store/AppState'
import type { CursorMove } from '../store/createTreeSlice'
import { useArbor } from '../store/useArbor'

const moves: Record<string, CursorMove> = { ArrowUp: 'parent', ArrowDown: 'child', ArrowLeft: 'previous', ArrowRight: 'next' }

const selectMoveCursor = (s: AppState) => s.moveCursor
const selectGoBack = (s: AppState) => s.goBack

const isTyping = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement && (target.isContentEditable || target.matches('input, textarea, select'))

/**
 * Alt+↑/↓/←/→ move to the parent, first child, previous or next sibling; Alt+Backspace goes
 * back. Active from anywhere in the window except a dialog, never while typing text. `area` is kept for callers.
 */
export function useTreeKeyboard(area: RefObject<HTMLElement | null>): void {
  const moveCursor = useArbor(selectMoveCursor)
  const goBack = useArbor(selectGoBack)

  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || isTyping(e.target)) return
      // Anywhere but in a dialog (the extension manager, a consent screen).
      if (document.activeElement?.closest('[role="dialog"]')) return
      const move = moves[e.key]
      if (move) moveCursor(move)
      else if (e.key === 'Backspace') goBack()
      else return
      e.preventDefault()
    }
    window.addEventListener('keydown', onKeyDown)
    return () => window.removeEventListener('keydown', onKeyDown)
  }, [area, moveCursor, goBack])
}
