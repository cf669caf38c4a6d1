import { useEffect } from 'react'

/** Calls `dismiss` `ms` after `value` appears (and again for each new value): for toasts. */
export function useAutoDismiss(value: unknown, dismiss: () => void, ms: number): void {
  useEffect(() => {
    if (!value) return
    const timer = setTimeout(dismiss, ms)
    return () => clearTimeout(timer)
  }, [value, dismiss, ms])
}
