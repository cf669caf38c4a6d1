import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { findBrowser } from '../test/helpers/findBrowser'

const browserPath = async (): Promise<string> => {
  const found = await findBrowser()
  if (found.path === null) throw new Error(`The tree benchmark needs a browser: ${found.reason}.`)
  return found.path
}
import { ArborCore } from '../src/main/core/ArborCore'
import { createHeadlessServer } from '../src/main/headless/createHeadlessServer'
import { SessionDocument } from '../src/shared/session/SessionDocument'
import type { AgentMessage } from '../src/shared/session/sessionTypes'

export type TreeRenderResult = {
  nodes: number
  /** From navigation to the first tree cards on screen (page load, snapshot, layout, render). */
  firstRenderMs: number
  /** Click on an answer's card to the current-node style painted, median and worst of the runs. */
  selectMedianMs: number
  selectMaxMs: number
  /** While panning by drag: share of frames longer than 1.5 × 16.7 ms. */
  panDroppedFrameShare: number
  panFrames: number
}

/** A branchy session of `count` messages: each question or answer hangs under one of the last 40. */
export function bigSession(count: number): string {
  const doc = SessionDocument.create({ cwd: '/bench' })
  const ids: string[] = []
  const usage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, totalTokens: 0, cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 } }
  let seed = 7
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
  for (let i = 0; i < count; i++) {
    const parent = ids.length === 0 ? null : ids[Math.max(0, ids.length - 1 - Math.floor(random() ** 3 * 40))]!
    const text = `Message ${i}: ${i % 2 === 0 ? 'a question about the branch' : 'an answer about the roots'} number ${i}`
    const message: AgentMessage =
      i % 2 === 0
        ? { role: 'user', content: text }
        : { role: 'assistant', content: [{ type: 'text', text }], api: 'arbor', provider: 'llama.cpp', model: 'bench', usage, stopReason: 'stop' }
    ids.push(doc.append({ type: 'message', message }, parent).entry.id)
  }
  return doc.serialize()
}

/** Renders a big tree in Chromium through headless mode and times what a person feels. */
export async function benchTreeRender(count: number, rendererDir: string): Promise<TreeRenderResult> {
  const root = await mkdtemp(join(os.tmpdir(), 'arbor-bench-tree-'))
  const sessionsFolder = join(root, 'sessions')
  await mkdir(sessionsFolder)
  await mkdir(join(root, 'models'))
  await writeFile(join(sessionsFolder, 'big.jsonl'), bigSession(count))
  const core = await ArborCore.create({ modelsFolder: join(root, 'models'), sessionsFolder, transport: 'headless', watchModels: false })
  const server = await createHeadlessServer({ core, rendererDir })
  const browser = await chromium.launch({
    executablePath: await browserPath(),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  })
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
    await page.addInitScript(`localStorage.setItem('arbor.ui', JSON.stringify({ viewMode: 'tree', splitRatio: 0.5, modelsHidden: true }))`)
    const started = Date.now()
    await page.goto(server.url)
    await page.waitForSelector('[data-testid="tree-node"]', { timeout: 60_000 })
    const firstRenderMs = Date.now() - started
    await page.waitForTimeout(500)

    // Plain strings: the bundler that runs this file would wrap named functions in a helper the page lacks.
    const selectTimes = (await page.evaluate(`(async () => {
      const frame = () => new Promise((r) => requestAnimationFrame(() => r()))
      const times = []
      for (let i = 0; i < 15; i++) {
        const cards = [...document.querySelectorAll('[data-testid="tree-node"][data-kind="assistant"]:not(.is-current)')]
        const card = cards[(i * 7) % cards.length]
        if (!card) break
        const t = performance.now()
        card.click()
        while (!card.classList.contains('is-current') && performance.now() - t < 2000) await frame()
        await frame()
        times.push(performance.now() - t)
        await new Promise((r) => setTimeout(r, 100))
      }
      return times.sort((a, b) => a - b)
    })()`)) as number[]

    const pane = await page.locator('.react-flow__pane').boundingBox()
    const intervals = await (async () => {
      if (!pane) return [] as number[]
      await page.evaluate(`(() => {
        window.__frames = []
        let last = performance.now()
        const tick = (now) => {
          window.__frames.push(now - last)
          last = now
          if (window.__frames.length < 400) requestAnimationFrame(tick)
        }
        requestAnimationFrame(tick)
      })()`)
      await page.mouse.move(pane.x + pane.width / 2, pane.y + pane.height / 2)
      await page.mouse.down()
      for (let i = 0; i < 60; i++) await page.mouse.move(pane.x + pane.width / 2 + i * 8, pane.y + pane.height / 2 + i * 4)
      await page.mouse.up()
      return (await page.evaluate('window.__frames.slice(1)')) as number[]
    })()
    const dropped = intervals.filter((ms) => ms > 25).length
    return {
      nodes: count,
      firstRenderMs,
      selectMedianMs: selectTimes[Math.floor(selectTimes.length / 2)] ?? NaN,
      selectMaxMs: selectTimes.at(-1) ?? NaN,
      panDroppedFrameShare: intervals.length ? dropped / intervals.length : NaN,
      panFrames: intervals.length,
    }
  } finally {
    await browser.close()
    await server.close()
    await core.dispose()
    await rm(root, { recursive: true, force: true })
  }
}
