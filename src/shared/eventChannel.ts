/**
 * A one-reader queue of values pushed by callbacks and read with `for await`: it turns a callback API (a
 * generation's `onTextChunk`) into an async stream. Values wait while the reader is busy; `close()` ends the
 * stream after what is queued, `fail(error)` ends it with an error.
 */
export class EventChannel<T> implements AsyncIterable<T> {
  private readonly queued: T[] = []
  private waiting: ((result: IteratorResult<T>) => void) | null = null
  private rejectWaiting: ((error: unknown) => void) | null = null
  private closed = false
  private error: { value: unknown } | null = null

  push(value: T): void {
    if (this.closed) return
    if (this.waiting) {
      const resolve = this.waiting
      this.waiting = this.rejectWaiting = null
      resolve({ value, done: false })
    } else this.queued.push(value)
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    if (this.waiting && this.queued.length === 0) {
      const resolve = this.waiting
      this.waiting = this.rejectWaiting = null
      resolve({ value: undefined, done: true })
    }
  }

  fail(error: unknown): void {
    if (this.closed) return
    this.error = { value: error }
    this.closed = true
    if (this.rejectWaiting) {
      const reject = this.rejectWaiting
      this.waiting = this.rejectWaiting = null
      reject(error)
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        if (this.queued.length > 0) return Promise.resolve({ value: this.queued.shift()!, done: false })
        if (this.error) return Promise.reject(this.error.value)
        if (this.closed) return Promise.resolve({ value: undefined, done: true })
        return new Promise<IteratorResult<T>>((resolve, reject) => {
          this.waiting = resolve
          this.rejectWaiting = reject
        })
      },
      return: () => {
        this.closed = true
        this.queued.length = 0
        return Promise.resolve({ value: undefined, done: true })
      },
    }
  }
}
