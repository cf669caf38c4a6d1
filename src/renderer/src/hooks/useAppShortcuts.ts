import { useEffect } from 'react'
import { useArborStore } from '../store/useArborStore'

export const focusComposer = (): void => {
  const input = document.getElementById('chat-input') as HTMLTextAreaElement | null
  input?.focus()
}

/**
 * Window-wide keys: Ctrl/Cmd+L focuses the message box, Ctrl/Cmd+N (Alt+N in a browser, which keeps Ctrl+N) starts a
 * new session, Esc stops the answer being written (unless a dialog or a list takes it first).
 */
export function useAppShortcuts(): void {
  const store = useArborStore()
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.defaultPrevented) return
      const mod = e.ctrlKey || e.metaKey
      const key = e.key.toLowerCase()
      if (mod && !e.altKey && !e.shiftKey && key === 'l') {
        e.preventDefault()
        focusComposer()
      } else if ((mod && !e.altKey && !e.shiftKey && key === 'n') || (e.altKey && !mod && !e.shiftKey && key === 'n')) {
        e.preventDefault()
        void store.getState().newSession()
      } else if (e.key === 'Escape' && store.getState().generating && !document.querySelector('[role="dialog"]')) {
        e.preventDefault()
        void store.getState().stopGeneration()
      } else if (e.key === 'Escape' && store.getState().narrowPanel !== null) {
        // A side panel open over the conversation closes.
        e.preventDefault()
        store.getState().setNarrowPanel(null)
      }
    }
    window.addEventListener('keydown', onKeyDown)
    return () => window.removeEventListener('keydown', onKeyDown)
  }, [store])
}
