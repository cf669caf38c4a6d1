import { useEffect } from 'react'

/** While `open`, Escape anywhere in the window calls `close` (a dialog's keyboard way out). */
export function useEscapeToClose(open: boolean, close: () => void): void {
  useEffect(() => {
    if (!open) return
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') close()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [open, close])
}
