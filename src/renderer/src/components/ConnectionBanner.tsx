import { useShallow } from 'zustand/react/shallow'
import type { AppState } from '../store/AppState'
import { useArbor } from '../store/useArbor'

const selectConnection = (s: AppState) => ({ connection: s.connection, ready: s.ready })

/** Tells the user when the headless connection is down (and that it is coming back by itself). */
export function ConnectionBanner() {
  const { connection, ready } = useArbor(useShallow(selectConnection))
  if (connection === 'open') return null
  if (connection === 'connecting' && !ready)
    return (
      <div className="banner banner-info" role="status" data-testid="connection-banner">
        Connecting to Arbor…
      </div>
    )
  return (
    <div className="banner banner-warn" role="status" data-testid="connection-banner">
      Disconnected — reconnecting…
    </div>
  )
}
