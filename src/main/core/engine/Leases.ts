import { ArborFailure } from '../../../shared/errors'

/** The right to use a loaded model until `release()`; `signal` aborts when the model is being freed. */
export type Lease = { readonly signal: AbortSignal; release(): void }

/**
 * Who is using a loaded model right now (a generation, a token count). Freeing the model first closes its leases:
 * no new one is given, every holder is asked to stop (its signal aborts), and the model is freed only once each
 * has let go, so that nothing runs on freed native memory and every answer is stored before the model goes.
 */
export class Leases {
  private readonly held = new Map<Lease, AbortController>()
  private readonly released: (() => void)[] = []
  private closed = false

  get count(): number {
    return this.held.size
  }

  /** A lease that also ends when `signal` aborts. Throws `NO_MODEL_LOADED` once closing has begun. */
  take(signal?: AbortSignal): Lease {
    if (this.closed) throw new ArborFailure('NO_MODEL_LOADED', 'The model is being unloaded.')
    const controller = new AbortController()
    const combined = signal ? AbortSignal.any([signal, controller.signal]) : controller.signal
    let done = false
    const lease: Lease = {
      signal: combined,
      release: () => {
        if (done) return
        done = true
        this.held.delete(lease)
        if (this.held.size === 0) for (const resolve of this.released.splice(0)) resolve()
      },
    }
    this.held.set(lease, controller)
    return lease
  }

  /**
   * Refuses new leases, aborts the held ones and resolves when all are released, or after `timeoutMs` (a holder
   * that never lets go must not keep the app from quitting). Returns whether every holder let go in time.
   * @param timeoutMs Defaults to `30000`.
   */
  async close(timeoutMs = 30_000): Promise<boolean> {
    this.closed = true
    for (const controller of this.held.values()) controller.abort(new ArborFailure('NO_MODEL_LOADED', 'The model is being unloaded.'))
    if (this.held.size === 0) return true
    let timer: NodeJS.Timeout | undefined
    const allReleased = new Promise<boolean>((resolve) => this.released.push(() => resolve(true)))
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs)
    })
    const result = await Promise.race([allReleased, timedOut])
    clearTimeout(timer)
    return result
  }
}
