import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { ArborCore } from '../src/main/core/ArborCore'
import { OpenSession } from '../src/main/core/sessions/OpenSession'
import type { ArborEvent } from '../src/shared/contract'
import { getDemoModelPath } from '../test/helpers/fixtures'
import { bigSession } from './treeRender'

export type SessionEventsResult = {
  nodes: number
  /** Bytes of JSON of the `session.changed` events a star click sends. */
  starEventBytes: number
  /** Bytes of JSON of every session event of one turn (the streamed tokens aside: they are their own events). */
  turnEventBytes: number
  /** Bytes of the whole view, what every change sent before deltas (and what opening a session still sends). */
  fullViewBytes: number
  /** Building what a change sends (index update, flags, the delta), median / worst over the runs. */
  deltaBuildMedianMs: number
  deltaBuildMaxMs: number
  /** Building the whole view, median: the cost every change paid before. */
  fullViewBuildMs: number
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0
const bytesOf = (events: ArborEvent[]) => events.reduce((sum, e) => sum + Buffer.byteLength(JSON.stringify(e)), 0)

/**
 * What a change of a big session costs the core and the wire, on a `nodes`-message session: the events a star
 * click and one turn send (through a real core with the demo model), and the time to build a change's delta
 * against building the whole view (the same classes the core uses, without the disk).
 */
export async function benchSessionEvents(nodes: number, runs = 50): Promise<SessionEventsResult> {
  const root = await mkdtemp(join(os.tmpdir(), 'arbor-bench-events-'))
  try {
    const sessions = join(root, 'sessions')
    await mkdir(sessions)
    const file = join(sessions, 'big.jsonl')
    await writeFile(file, bigSession(nodes))

    // The building, without the disk: append an entry, update the index, compute the flags and the delta.
    const open = await OpenSession.read(file, () => null)
    const ids = open.index.list().map((n) => n.id)
    const deltaMs: number[] = []
    const viewMs: number[] = []
    let before = open.flags(null)
    for (let i = 0; i < runs; i++) {
      const target = ids[(i * 7919) % ids.length]!
      const started = performance.now()
      const { entry } = open.doc.append({ type: 'custom', customType: 'arbor.favourite', data: { leafId: target } }, open.position)
      const change = open.index.add(entry)
      const flags = open.flags(null)
      const delta = { sessionId: open.header.id, seq: i, ...OpenSession.changedFlags(before, flags), upserted: change.upserted.map((id) => open.node(id)!) }
      before = flags
      deltaMs.push(performance.now() - started)
      void delta
      const viewStarted = performance.now()
      open.view(i, null, null)
      viewMs.push(performance.now() - viewStarted)
    }
    const fullViewBytes = Buffer.byteLength(JSON.stringify(open.view(0, null, null)))

    // The wire, through a real core: a star click, then one turn.
    const core = await ArborCore.create({ modelsFolder: join(root, 'models'), sessionsFolder: sessions, transport: 'headless', watchModels: false })
    try {
      const events: ArborEvent[] = []
      core.on((e) => {
        if (e.type === 'session.changed' || e.type === 'session.opened') events.push(e)
      })
      const load = await core.request('model.load', { path: await getDemoModelPath(), settings: { contextSize: 2048, sequences: 1, gpuLayers: 0, kvCacheType: 'F16', threads: 1 } })
      if (!load.ok) throw new Error(load.error.message)
      const opened = await core.request('session.open', { path: file })
      if (!opened.ok) throw new Error(opened.error.message)
      // Let the counting of every node's tokens (its own deltas) finish before measuring.
      await new Promise((resolve) => setTimeout(resolve, 3000))
      const leaf = opened.value.nodes.at(-1)!.id
      events.length = 0
      await core.request('tree.favourite', { leafId: leaf })
      await new Promise((resolve) => setTimeout(resolve, 300))
      const starEventBytes = bytesOf(events)
      await core.request('tree.select', { nodeId: leaf })
      events.length = 0
      await core.request('chat.send', { text: 'One more question about the tree.' })
      await new Promise((resolve) => setTimeout(resolve, 300))
      const turnEventBytes = bytesOf(events)
      return {
        nodes: open.index.size,
        starEventBytes,
        turnEventBytes,
        fullViewBytes,
        deltaBuildMedianMs: median(deltaMs),
        deltaBuildMaxMs: Math.max(...deltaMs),
        fullViewBuildMs: median(viewMs),
      }
    } finally {
      await core.dispose()
    }
  } finally {
    await rm(root, { recursive: true, force: true })
  }
}
