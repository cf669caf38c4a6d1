import { useSyncExternalStore } from 'react'

/** Below this width the side panels become overlays and the conversation keeps the whole width. */
export const NARROW_QUERY = '(max-width: 1199px)'

const subscribe = (onChange: () => void) => {
  const query = window.matchMedia(NARROW_QUERY)
  query.addEventListener('change', onChange)
  return () => query.removeEventListener('change', onChange)
}

/** Whether the window is narrow (see `NARROW_QUERY`), following resizes. */
export function useNarrowWindow(): boolean {
  return useSyncExternalStore(subscribe, () => window.matchMedia(NARROW_QUERY).matches)
}
