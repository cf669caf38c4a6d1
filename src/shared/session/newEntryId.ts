/**
 * A fresh entry id: 8 lowercase hex digits (as Pi writes them) that `taken` does not hold.
 * Uses the Web Crypto random source, which both Node and the renderer have.
 */
export function newEntryId(taken: { has(id: string): boolean }): string {
  const words = new Uint32Array(8)
  for (;;) {
    globalThis.crypto.getRandomValues(words)
    for (const word of words) {
      const id = word.toString(16).padStart(8, '0')
      if (!taken.has(id)) return id
    }
  }
}
