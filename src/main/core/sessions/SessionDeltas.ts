import type { ArborEvent } from '../../../shared/contract'
import type { ToolForModel } from '../../../shared/extensions/toolTokenCost'
import { nodeKindOf } from '../../../shared/tree/treeNodes'
import type { ContextComposition, SessionDelta, SessionFlags, SessionView } from '../../../shared/treeView'
import type { Engine } from '../engine'
import { CompositionCounter } from './CompositionCounter'
import type { IndexChange } from './SessionIndex'
import { OpenSession } from './OpenSession'
import { TokenCounts } from './TokenCounts'

export const noChange: IndexChange = { upserted: [], removed: [], state: false }

/**
 * What every UI hears of the open session: one numbered `session.changed` delta per change (its nodes, the flags
 * that changed), then, from the engine, the tokens of nodes counted since and the context's composition at the
 * position, each in a delta of its own. A count made for a state that changed meanwhile is not sent.
 */
export class SessionDeltas {
  private seq = 0
  readonly counts: TokenCounts
  private readonly compositions: CompositionCounter
  private sentFlags: Required<SessionFlags> | null = null
  private composition: ContextComposition | null = null
  /** Bumped by every change: a composition computed for an older state is not sent. */
  private changes = 0
  private compositionQueue: Promise<void> = Promise.resolve()

  constructor(
    private readonly engine: Engine,
    private readonly emit: (event: ArborEvent) => void,
    /** The session open now (a count started for another is dropped). */
    private readonly current: () => OpenSession,
    /** The tools offered to the model with every prompt, for the composition. */
    private readonly tools: () => readonly ToolForModel[],
  ) {
    this.counts = new TokenCounts(engine)
    this.compositions = new CompositionCounter(engine, this.counts)
  }

  /** The token count of a node, when known (what a newly read session's nodes start with). */
  readonly tokensOf = (id: string): number | null => this.counts.get(id)

  /** Another session is open: its flags are the ones UIs have (from its whole view). */
  adopt(open: OpenSession): void {
    this.changes++
    this.sentFlags = open.flags(null)
    this.composition = null
  }

  /** The whole view of the open session, its composition counted first. */
  async view(): Promise<SessionView> {
    await this.updateComposition()
    return this.current().view(this.seq, this.sentFlags?.systemPromptTokens ?? null, this.composition)
  }

  /** Nothing visible changed; the answer to a request that must carry a delta. */
  get unchanged(): SessionDelta {
    return { sessionId: this.current().header.id, seq: this.seq }
  }

  /** The position moved: its composition, sent with the position. */
  async moved(): Promise<{ composition: ContextComposition | null }> {
    this.changes++
    await this.updateComposition(true)
    return { composition: this.composition }
  }

  /** Tells every UI what one change changed, then counts what its context costs now. */
  changed(change: IndexChange, extra: Omit<Partial<SessionDelta>, 'sessionId' | 'seq'> = {}): SessionDelta {
    const open = this.current()
    this.changes++
    const flags = open.flags(this.sentFlags?.systemPromptTokens ?? null)
    const delta: SessionDelta = { sessionId: open.header.id, seq: ++this.seq, ...OpenSession.changedFlags(this.sentFlags, flags), ...extra }
    this.sentFlags = flags
    const upserted = change.upserted.flatMap((id) => open.node(id) ?? [])
    if (upserted.length) delta.upserted = upserted
    if (change.removed.length) delta.removed = change.removed
    this.emit({ type: 'session.changed', delta })
    void this.updateComposition()
    return delta
  }

  /** Another model (or none): every count is made again with it, in the background. */
  modelChanged(): void {
    this.counts.reset()
    this.compositions.reset()
    const open = this.current()
    open.index.setTokens(new Map(open.index.list().map((n) => [n.id, null])))
    this.changed(noChange, { clearTokens: true })
    this.countInBackground()
  }

  /** Counts every node not counted yet, a batch at a time, each batch a delta. */
  countInBackground(): void {
    const open = this.current()
    const items = open.index.list().filter((n) => n.tokens === null).map((n) => ({ id: n.id, text: () => open.index.countedText(n.id) }))
    void this.counts
      .count(items, (batch) => {
        if (open !== this.current()) return
        open.index.setTokens(batch)
        this.changed(noChange, { tokens: Object.fromEntries(batch) })
      })
      .catch(() => undefined)
  }

  /**
   * Counts the context at the position (its nodes' tokens, the system prompt's, the whole prompt's) and says what
   * changed in a delta of its own; with `withPosition` that delta carries the position too. One at a time, in order.
   */
  updateComposition(withPosition = false): Promise<void> {
    const run = this.compositionQueue.then(() => this.sendComposition(withPosition))
    this.compositionQueue = run.catch(() => undefined)
    return run
  }

  private async sendComposition(withPosition: boolean): Promise<void> {
    const open = this.current()
    const at = this.changes
    // One position for the whole count: a move meanwhile queues a count of its own.
    const position = open.position
    const path = open.doc.pathTo(position)
    const uncounted = path.filter((e) => nodeKindOf(e) !== null && open.node(e.id)?.tokens === null)
    const found = await this.counts.count(uncounted.map((e) => ({ id: e.id, text: () => open.index.countedText(e.id) })))
    if (found.size) open.index.setTokens(found)
    const composition = await this.compositions.compute({
      sessionId: open.header.id,
      position,
      systemPrompt: open.systemPrompt,
      path,
      countedText: (id) => open.index.countedText(id),
      tools: this.tools(),
    })
    const systemPromptTokens = this.engine.loaded ? await this.counts.ofText(open.systemPrompt) : null
    if (open !== this.current()) return
    // A change since: it sends its own, newer composition.
    if (at !== this.changes && !withPosition && found.size === 0) return
    const flags = open.flags(systemPromptTokens)
    const changedFlags = OpenSession.changedFlags(this.sentFlags, flags)
    const compositionChanged = JSON.stringify(composition) !== JSON.stringify(this.composition)
    if (!compositionChanged && Object.keys(changedFlags).length === 0 && !withPosition && found.size === 0) return
    this.composition = composition
    this.sentFlags = flags
    const delta: SessionDelta = { sessionId: open.header.id, seq: ++this.seq, ...changedFlags, composition }
    if (withPosition) delta.leafId = position
    if (found.size) delta.tokens = Object.fromEntries(found)
    this.emit({ type: 'session.changed', delta })
  }
}
