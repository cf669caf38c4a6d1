import type { LlamaChat, LlamaContextSequence, Token } from 'node-llama-cpp'

/** A context sequence with its own chat, holding one branch of the tree warm in the KV cache. */
export type Slot = { sequence: LlamaContextSequence; chat: LlamaChat; lastUsed: number }

export const commonPrefixLength = (a: readonly number[], b: readonly number[]): number => {
  let i = 0
  while (i < a.length && i < b.length && a[i] === b[i]) i++
  return i
}

/**
 * node-llama-cpp copies KV cells between sequences (llama.cpp's seq_cp: shared cells, no new
 * memory) for its own prefix sharing; the method is internal, so Arbor checks it is there
 * and falls back to evaluating the prefix again when it is not.
 */
type CopyCapable = { _copyStateFromOtherSequence?(other: LlamaContextSequence, upToTokenIndex: number): Promise<boolean> }

/**
 * Picks the sequence for a prompt so that no warm branch is lost needlessly: the one whose
 * tokens share the longest prefix with the prompt; if using it would discard tokens of
 * another branch, that prefix is first copied into the least recently used sequence, which
 * takes the turn instead.
 */
export async function pickSlot(slots: Slot[], prompt: readonly Token[]): Promise<{ slot: Slot; copiedTokens: number }> {
  const scored = slots.map((slot) => ({ slot, common: commonPrefixLength(slot.sequence.contextTokens, prompt) }))
  scored.sort((a, b) => b.common - a.common || b.slot.lastUsed - a.slot.lastUsed)
  const best = scored[0]!
  const wouldDiscard = best.slot.sequence.contextTokens.length > best.common
  if (!wouldDiscard || slots.length === 1) return { slot: best.slot, copiedTokens: 0 }
  const others = slots.filter((s) => s !== best.slot)
  const victim =
    others.find((s) => s.sequence.contextTokens.length === 0) ?? others.reduce((a, b) => (b.lastUsed < a.lastUsed ? b : a))
  if (best.common === 0) return { slot: victim, copiedTokens: 0 }
  const copy = (victim.sequence as unknown as CopyCapable)._copyStateFromOtherSequence
  if (typeof copy !== 'function') return { slot: victim, copiedTokens: 0 }
  const copied = await copy.call(victim.sequence, best.slot.sequence, best.common).catch(() => false)
  if (!copied) await victim.sequence.clearHistory()
  return { slot: victim, copiedTokens: copied ? best.common : 0 }
}
